"""Search stage: fused dense and keyword retrieval, then the sentence rerank."""
