// AdamW (Loshchilov & Hutter 2019) over our own tf.Variables, with global-norm gradient clipping.
// Decoupled weight decay only on matrices (not biases, norms, embeddings), as nanoGPT/minGPT.
// This update is one of the two hot paths (with the GPT's forward/backward): keep it in one place.
import { tf } from "../model/tf.ts";
import { fusedAdamWStep, globalGradNorm } from "../kernels/optim.ts";

export interface AdamWConfig {
  /** Adam beta1 (nanoGPT: 0.9). */
  beta1: number;
  /** Adam beta2 (nanoGPT: 0.95 for GPT training). */
  beta2: number;
  /** Adam epsilon (PyTorch default: 1e-8). */
  eps: number;
  /** Decoupled weight decay on matrices (nanoGPT: 0.1). */
  weightDecay: number;
  /** Clip the global gradient norm to this (nanoGPT: 1.0); 0 = off. */
  gradClip: number;
}

export interface OptimParam {
  name: string;
  variable: tf.Variable;
  decay: boolean;
}

export class AdamW {
  readonly params: OptimParam[];
  readonly cfg: AdamWConfig;
  /** Updates applied so far (bias correction uses it). */
  t = 0;
  private m: tf.Variable[];
  private v: tf.Variable[];

  /** false: always the tfjs ops below, never the fused native update (tests compare the two). */
  private readonly fused: boolean;

  constructor(params: OptimParam[], cfg: AdamWConfig, options: { fused?: boolean } = {}) {
    this.params = params;
    this.cfg = cfg;
    this.fused = options.fused ?? true;
    this.m = params.map((p) => tf.variable(tf.zerosLike(p.variable), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p.variable), false));
  }

  /**
   * One update with learning rate lr from grads keyed by variable name (tf.variableGrads' output).
   * Does not dispose grads. Returns the global gradient norm before clipping.
   */
  apply(grads: Record<string, tf.Tensor>, lr: number): number {
    this.t += 1;
    const { beta1: b1, beta2: b2, eps, weightDecay: wd, gradClip } = this.cfg;
    const bc1 = 1 - b1 ** this.t;
    const bc2 = 1 - b2 ** this.t;
    // Fused native update (one pass per parameter) where the cpu backend has it; tfjs ops otherwise.
    const list = this.params.map((p) => grads[p.variable.name]);
    const fusedNorm = this.fused ? globalGradNorm(list.filter((g): g is tf.Tensor => Boolean(g))) : null;
    if (fusedNorm !== null) {
      const scale = gradClip > 0 && fusedNorm > gradClip ? gradClip / (fusedNorm + 1e-6) : 1;
      const params = this.params.map((p, i) => ({ variable: p.variable, m: this.m[i], v: this.v[i], decay: p.decay }));
      if (fusedAdamWStep(params, list, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, bc1, bc2, scale })) return fusedNorm;
    }
    const norm = tf.tidy(() => {
      const sq = this.params.filter((p) => grads[p.variable.name]).map((p) => tf.sum(tf.square(grads[p.variable.name])));
      return tf.sqrt(tf.addN(sq));
    });
    const normValue = norm.dataSync()[0];
    norm.dispose();
    const scale = gradClip > 0 && normValue > gradClip ? gradClip / (normValue + 1e-6) : 1;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g0 = grads[p.variable.name];
        if (!g0) return;
        const g = scale === 1 ? g0 : tf.mul(g0, scale);
        const m = tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(g), 1 - b2));
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
        let next = tf.sub(p.variable, tf.mul(update, lr));
        if (p.decay && wd > 0) next = tf.sub(next, tf.mul(p.variable, lr * wd));
        this.m[i].assign(m);
        this.v[i].assign(v);
        p.variable.assign(next);
      });
    });
    return normValue;
  }

  /** Moments as plain arrays (m.<name>, v.<name>) for checkpoints. */
  async state(): Promise<Record<string, { shape: number[]; data: Float32Array }>> {
    const out: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (let i = 0; i < this.params.length; i++) {
      out[`m.${this.params[i].name}`] = { shape: this.m[i].shape, data: (await this.m[i].data()) as Float32Array };
      out[`v.${this.params[i].name}`] = { shape: this.v[i].shape, data: (await this.v[i].data()) as Float32Array };
    }
    return out;
  }

  load(state: Record<string, { shape: number[]; data: Float32Array }>, t: number): void {
    this.t = t;
    this.params.forEach((p, i) => {
      const m = state[`m.${p.name}`];
      const v = state[`v.${p.name}`];
      if (!m || !v) throw new Error(`optimizer state lacks moments of ${p.name}`);
      tf.tidy(() => {
        this.m[i].assign(tf.tensor(m.data, m.shape));
        this.v[i].assign(tf.tensor(v.data, v.shape));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
