"""`qa chat` and `qa serve`: a conversation in the terminal or in the web interface."""

from __future__ import annotations

import click

from qa.cli.common import announce_llm, index_option, open_library, settings_with


@click.command("chat")
@index_option
@click.pass_context
def chat_cmd(ctx: click.Context, index_name: str | None) -> None:
    """终端对话：保留上下文；/sources N 查看来源上下文，/new 新对话，/quit 退出。"""
    from qa.chat import run_chat

    settings = settings_with(ctx, index_name=index_name)
    library = open_library(settings)
    if library.llm is not None:
        announce_llm(settings)
    run_chat(library)


@click.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@click.option(
    "--auth",
    envvar="QA_AUTH",
    help="用户名:密码；绑定 127.0.0.1 以外的地址时必须提供（或设 QA_AUTH）。",
)
@click.pass_context
def serve_cmd(
    ctx: click.Context, index_name: str | None, host: str, port: int, auth: str | None
) -> None:
    """启动网页聊天界面（默认只监听 127.0.0.1）。"""
    try:
        from ui.app import serve  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise click.ClickException(
            f"界面依赖未安装（{exc}）。请运行 make run 或 pip install -e '.[ui]'。"
        ) from exc
    serve(settings_with(ctx, index_name=index_name), host=host, port=port, auth=auth)
