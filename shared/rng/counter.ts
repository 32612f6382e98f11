/**
 * Keyed random streams for lazily generated random matrices: trial t of a batch keyed K draws from
 * its own stream, a pure function of (K, t), so a trial's matrix is the same whichever thread,
 * machine, batch split or method (early-exit census or full factorization) generates it.
 *
 * Two layers:
 * - Counter-based seeding: Threefry-2×32 with 20 rounds (Salmon, Moraes, Dror & Shaw, "Parallel
 *   random numbers: as easy as 1, 2, 3", SC 2011; Random123's default round count, a margin over the
 *   13 rounds that already pass TestU01's BigCrush) maps (K; t, 0) and (K; t, 1) to the 128-bit state
 *   of the trial's generator. It is add–rotate–xor on int32 lanes, so JavaScript computes it
 *   bit-exactly everywhere; the tests check Random123's known-answer vectors.
 * - Within a trial: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 *   generators", ACM TOMS 47, 2021; passes BigCrush), consumed in one canonical order — for a dense
 *   matrix the packed lower triangle row by row, (0,0), (1,0), (1,1), (2,0), …, which is exactly the
 *   order in which a bordered (row-by-row) factorization needs entries, so an early exit after k rows
 *   has drawn the same first k(k+1)/2 variates as a full factorization of the same trial.
 *
 * Why not one Threefry call per entry (a stream addressed by (trial, entry))? A normal that way costs
 * several times what one from seeded xoshiro128** does (Threefry's 20 rounds, and its words moved
 * through memory), and a gamma more; the tridiagonal GOE model needs ~n normals and n gammas per
 * trial and is held to ≥ 1,000× numpy's dense eigvalsh (test/bench/trials.bench.ts).
 *
 * Normals: the 256-layer ziggurat (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000) with the layer
 * index and the abscissa taken from disjoint bits (Doornik, "An improved ziggurat method", 2005):
 * 8 bits choose the layer, 1 the sign, 52 the abscissa. Gammas: Marsaglia & Tsang (ACM TOMS 26,
 * 2000). Math.exp/log run only in table set-up and rare slow paths; V8 implements them with its own
 * fdlibm port (ieee754::exp/log), not the platform libm, so the values do not depend on the machine.
 *
 * Files: threefry.ts (the seeding), ziggurat.ts (the normal's tables), trial-stream.ts (the stream
 * and its single-variate methods). This file is their public face. The hand-inlined kernels of the
 * tridiagonal GOE model, which read the stream's state directly, are shared/trials/tridiagonal-goe*.ts.
 */
export { type CounterKey, counterKey, threefry2x32, threefryOut } from './threefry.js';
export { TrialStream } from './trial-stream.js';
