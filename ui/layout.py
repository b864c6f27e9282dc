"""The chat UI's widgets: the 问答 and 报告库 tabs, and the events that connect them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ui.handlers import EXAMPLES, SCOPE_LAST, SCOPES, Handlers
from ui.render import SCRIPT_ORIGINAL, SCRIPTS
from ui.service import ALL
from ui.uploads import ALLOWED_SUFFIXES, MAX_UPLOAD_BYTES


@dataclass(slots=True)
class ChatTab:
    """The widgets of the 问答 tab."""

    year: gr.Dropdown
    agency: gr.Dropdown
    script: gr.Radio
    chatbot: gr.Chatbot
    box: gr.Textbox
    send: gr.Button
    new: gr.Button
    scope: gr.Radio
    copy: gr.Button
    export: gr.Button
    copied: gr.Textbox
    files: gr.File


@dataclass(slots=True)
class LibraryTab:
    """The widgets of the 报告库 tab."""

    table: gr.HTML
    uploads: gr.File
    upload: gr.Button
    status: gr.HTML
    doomed: gr.Dropdown
    remove: gr.Button


def chat_tab(years: list[str], agencies: list[str]) -> ChatTab:
    with gr.Row():
        year = gr.Dropdown(years, value=ALL, label="年份", elem_id="qa-year")
        agency = gr.Dropdown(agencies, value=ALL, label="机构", elem_id="qa-agency")
        script = gr.Radio(list(SCRIPTS), value=SCRIPT_ORIGINAL, label="显示", elem_id="qa-script")
    chatbot = gr.Chatbot(
        label="对话",
        elem_id="qa-chat",
        height=600,
        examples=[{"text": q} for q in EXAMPLES],
        placeholder="可用简体或繁体提问，也可点击下面的示例问题。",
        latex_delimiters=[],  # report text with "$" is not a formula
        feedback_options=None,
        buttons=[],
    )
    with gr.Row():
        box = gr.Textbox(
            show_label=False,
            placeholder="输入问题，回车发送（简体、繁体均可）",
            scale=8,
            elem_id="qa-question",
        )
        send = gr.Button("发送", variant="primary", scale=1, elem_id="qa-send")
        new = gr.Button("新对话", scale=1, elem_id="qa-new")
    with gr.Row():
        scope = gr.Radio(list(SCOPES), value=SCOPE_LAST, label="复制 / 导出范围")
        copy = gr.Button("复制", elem_id="qa-copy")
        export = gr.Button("导出（Markdown + Word）", elem_id="qa-export")
    with gr.Row():
        copied = gr.Textbox(
            label="纯文本（点右上角按钮复制）",
            lines=6,
            buttons=["copy"],
            interactive=False,
            elem_id="qa-copied",
        )
        files = gr.File(label="下载", file_count="multiple", interactive=False)
    return ChatTab(
        year, agency, script, chatbot, box, send, new, scope, copy, export, copied, files
    )


def library_tab() -> LibraryTab:
    table = gr.HTML(elem_id="qa-library")
    uploads = gr.File(
        label=f"上传报告（{'/'.join(s[1:] for s in ALLOWED_SUFFIXES)}，可多选，"
        f"每个不超过 {MAX_UPLOAD_BYTES // 2**20} MB）",
        file_count="multiple",
        file_types=list(ALLOWED_SUFFIXES),
        elem_id="qa-upload",
    )
    upload = gr.Button("上传并建立索引", variant="primary", elem_id="qa-upload-go")
    status = gr.HTML(elem_id="qa-status")
    with gr.Row():
        doomed = gr.Dropdown([], label="删除报告", elem_id="qa-remove-choice")
        remove = gr.Button("删除所选报告", variant="stop", elem_id="qa-remove")
    return LibraryTab(table, uploads, upload, status, doomed, remove)


def wire_events(demo: gr.Blocks, h: Handlers, turns: gr.State, c: ChatTab, lib: LibraryTab) -> None:
    """Connect events; only the chat is a public API endpoint ("/chat")."""
    private: dict[str, Any] = {"api_visibility": "private"}
    ask_in = [c.box, turns, c.year, c.agency, c.script]
    ask_out = [c.chatbot, turns, c.box]
    # with an LLM the answer streams: 生成中… first, the verified answer when it is done
    submit = h.submit_llm if h.service.uses_llm else h.submit
    example = h.example_llm if h.service.uses_llm else h.example
    c.box.submit(submit, ask_in, ask_out, api_name="chat", concurrency_limit=4)
    c.send.click(submit, ask_in, ask_out, concurrency_limit=4, **private)
    c.chatbot.example_select(example, ask_in[1:], ask_out, **private)
    c.new.click(h.new_chat, None, [c.chatbot, turns, c.box, c.copied, c.files], **private)
    c.copy.click(h.copy, [turns, c.scope, c.script], c.copied, **private)
    c.export.click(h.export, [turns, c.scope, c.script], c.files, **private)
    listing = [lib.table, c.year, c.agency, lib.doomed]
    c.script.change(h.restyle, [turns, c.script], c.chatbot, **private)
    c.script.change(h.refresh, c.script, listing, **private)
    demo.load(h.refresh, c.script, listing, **private)
    lib.upload.click(
        h.upload, [lib.uploads, c.script], [lib.status, *listing, lib.uploads], **private
    )
    lib.remove.click(h.remove, [lib.doomed, c.script], [lib.status, *listing], **private)
