#!/usr/bin/python3
"""PyTorch reference for `npm run bench:train -- --compare-torch` (bench/compare-torch.ts).

The same GPT as workers/model/gpt.ts, written the way nanoGPT writes it: pre-LN blocks, causal
self-attention (explicit q @ k^T, masked softmax, @ v), GELU (tanh) MLP, learned positions, LM head
tied to the token embedding. One training step = forward, mean cross-entropy, backward, global-norm
clipping at 1.0, AdamW (betas 0.9/0.95, eps 1e-8, weight decay 0.1 on matrices only): the step of
workers/train/common.ts optimizerStep with workers/train/adamw.ts.
Generation = greedy decoding with a KV cache, prompt processed in one pass, one token per step.

Prints one JSON object per line on stdout: {"kind": "train", ...} and {"kind": "generate", ...}.
Install: apt-get install -y python3-torch libopenblas0-pthread   (run with /usr/bin/python3)
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d, eps=1e-5)
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d, eps=1e-5)
        self.c_fc = nn.Linear(d, 4 * d)
        self.mlp_proj = nn.Linear(4 * d, d)

    def forward(self, x, bias, cache=None):
        B, T, C = x.shape
        H, D = self.heads, C // self.heads
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q = q.view(B, T, H, D).transpose(1, 2)  # [B, H, T, D]
        k = k.view(B, T, H, D).transpose(1, 2)
        v = v.view(B, T, H, D).transpose(1, 2)
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D)) + bias
        y = F.softmax(att, dim=-1) @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.c_proj(y)
        x = x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))
        return x


class GPT(nn.Module):
    def __init__(self, vocab, context, d, layers, heads):
        super().__init__()
        self.context = context
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(context, d)
        self.h = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d, eps=1e-5)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, idx, caches=None):
        B, T = idx.shape
        past = caches[0]["k"].shape[2] if caches and "k" in caches[0] else 0
        S = past + T
        pos = torch.arange(past, S)
        x = self.wte(idx) + self.wpe(pos)
        # Additive causal bias [T, S]: query i sees keys 0 .. past + i (as causalBias in ops.ts).
        bias = torch.triu(torch.full((T, S), -1e9), diagonal=past + 1)
        for i, block in enumerate(self.h):
            x = block(x, bias, caches[i] if caches is not None else None)
        return self.ln_f(x) @ self.wte.weight.t()  # tied LM head


def bench_train(model, args):
    # Decay only the block matrices (adamw.ts: not biases, norms, embeddings).
    decay = [p for n, p in model.named_parameters() if p.dim() == 2 and n.startswith("h.")]
    other = [p for n, p in model.named_parameters() if not (p.dim() == 2 and n.startswith("h."))]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
        lr=3e-4, betas=(0.9, 0.95), eps=1e-8,
    )
    g = torch.Generator().manual_seed(0)
    idx = torch.randint(0, args.vocab, (args.batch, args.context), generator=g)
    tgt = torch.randint(0, args.vocab, (args.batch, args.context), generator=g)

    def step():
        logits = model(idx)
        loss = F.cross_entropy(logits.view(-1, args.vocab), tgt.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    return {"ms_per_step": median * 1000, "tokens_per_s": args.batch * args.context / median}


@torch.no_grad()
def bench_generate(model, args):
    model.eval()
    g = torch.Generator().manual_seed(1)
    prompt = torch.randint(0, args.vocab, (args.gen_batch, args.gen_prompt), generator=g)

    def run():
        caches = [{} for _ in model.h]
        logits = model(prompt, caches)
        tok = logits[:, -1].argmax(-1, keepdim=True)
        for _ in range(args.gen_tokens - 1):
            logits = model(tok, caches)
            tok = logits[:, -1].argmax(-1, keepdim=True)

    run()
    times = []
    for _ in range(args.gen_repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    return {"ms_per_run": median * 1000, "tokens_per_s": args.gen_batch * args.gen_tokens / median}


def sgemm_peak(n=1024, repeats=10):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n**3 / best / 1e9


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--label", default="")
    p.add_argument("--vocab", type=int, required=True)
    p.add_argument("--context", type=int, required=True)
    p.add_argument("--d-model", type=int, required=True)
    p.add_argument("--layers", type=int, required=True)
    p.add_argument("--heads", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--gen-batch", type=int, default=0, help="0: skip generation")
    p.add_argument("--gen-prompt", type=int, default=8)
    p.add_argument("--gen-tokens", type=int, default=32)
    p.add_argument("--gen-repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--sgemm", action="store_true", help="also print the 1024x1024 sgemm GFLOP/s")
    args = p.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    common = {"label": args.label, "torch": torch.__version__, "threads": torch.get_num_threads()}
    if args.sgemm:
        print(json.dumps({"kind": "sgemm", **common, "gflops": sgemm_peak()}), flush=True)
    model = GPT(args.vocab, args.context, args.d_model, args.layers, args.heads)
    if args.steps > 0:
        print(json.dumps({"kind": "train", **common, **bench_train(model, args)}), flush=True)
    if args.gen_batch > 0:
        print(json.dumps({"kind": "generate", **common, **bench_generate(model, args)}), flush=True)


if __name__ == "__main__":
    main()
