// A large cv_results.csv shaped like the seed lab's (pandas index, fit and score times, param_C,
// params, split0..split49, mean, std, rank: 60 columns), generated as a stream so that no test or
// bench has to keep a 100 MB file in the repository or in memory.

export interface GeneratedCvResults {
  header: string[];
  /** Each row's score in 1/20000ths (many ties), or -1 for a failed fit; index 0 is data row 1. */
  quality: Int32Array;
  /** The file, in chunks of about 64 KiB. */
  chunks(): AsyncGenerator<Buffer>;
}

const SPLITS = 50;
const LEVELS = 20000;

/**
 * A deterministic search of `rows` candidates; every `failEvery`th row is a failed fit with empty
 * scores. Split scores are written with `digits` decimals, or in full like pandas when undefined.
 */
export function generateCvResults(rows: number, options: { seed?: number; failEvery?: number; digits?: number } = {}): GeneratedCvResults {
  const { seed = 1, failEvery = 997, digits } = options;
  const header = ['', 'mean_fit_time', 'std_fit_time', 'mean_score_time', 'std_score_time', 'param_C', 'params', ...Array.from({ length: SPLITS }, (_, k) => `split${k}_test_accuracy`), 'mean_test_accuracy', 'std_test_accuracy', 'rank_test_accuracy'];
  const random = mulberry32(seed);
  const quality = new Int32Array(rows).map((_, i) => ((i + 1) % failEvery === 0 ? -1 : Math.floor(random() * LEVELS)));
  // scikit-learn's "min" ranks: 1 + the number of strictly better rows; failed fits after all others.
  const better = new Int32Array(LEVELS + 1);
  for (const q of quality) if (q >= 0) better[q]++;
  for (let q = LEVELS - 1; q >= 0; q--) better[q] += better[q + 1];
  const finite = better[0];
  const rankOf = (q: number) => (q < 0 ? finite + 1 : 1 + better[q + 1]);
  return {
    header,
    quality,
    async *chunks() {
      const noise = mulberry32(seed + 1);
      // Split scores play no part in the ranking: drawn from a pool, so generating costs little.
      const pool = Array.from({ length: 4096 }, () => (digits === undefined ? String(noise()) : noise().toFixed(digits)));
      const empty = Array(SPLITS).fill('').join(',');
      let text = `${header.join(',')}\n`;
      for (let i = 0; i < rows; i++) {
        const q = quality[i];
        const c = 2 ** (Math.floor(noise() * 30) - 15);
        const mean = q / LEVELS;
        const from = Math.floor(noise() * (pool.length - SPLITS));
        const splits = q < 0 ? empty : pool.slice(from, from + SPLITS).join(',');
        const scores = q < 0 ? ',,' : `${mean},${noise() / 10},`;
        text += `${i},${noise() * 2},${noise()},${noise() / 100},${noise() / 1000},${c},{'C': ${c}},${splits},${scores}${rankOf(q)}\n`;
        if (text.length > 65536) {
          yield Buffer.from(text);
          text = '';
        }
      }
      if (text) yield Buffer.from(text);
    },
  };
}

/** A small, fast, seeded PRNG (public domain), so the file is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
