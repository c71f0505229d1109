/*
 * Preloaded (LD_PRELOAD) into the JVMs of anira on AMD CPUs, so that the MKL inside libtorch picks
 * its matrix-product kernels by the instruction sets the CPU reports, as it does on Intel's.
 *
 * Why: libtorch's CPU build links oneMKL 2024 statically and exports its symbols. Before it
 * dispatches, MKL asks mkl_serv_intel_cpu_true() whether the CPU is Intel's; on any other vendor
 * it runs its generic code path, whatever the CPU supports. On the 2-core AMD EPYC (Zen 5,
 * AVX-512) of issue 19, libtorch's addmm at the model's shapes ([512, 64] x [64, 64] ...
 * [4096, 256] x [256, 64], one thread) ran at 84-92 GFLOP/s; with this answer 163-194 GFLOP/s,
 * the same as OpenBLAS's AVX-512 (SkylakeX) kernels, and the JMH recurrence step 1.4x (batch 32)
 * and 1.5x (batch 256) faster (model-service README, "Thirteenth session").
 *
 * libtorch calls the function through its PLT, so a preloaded definition takes its place. MKL
 * then reads the CPU's feature flags (CPUID) as it does on Intel's, so a CPU without AVX-512 gets
 * the AVX2 kernels. Results keep their accuracy but not their last bits: another kernel sums in
 * another order. MKL may pick its code by shape, so that the step and the whole-sequence pass still
 * agree bit for bit is a measured fact, not a given: model-service's tests run a second time with
 * this library preloaded (on an Intel CPU that run only repeats the first).
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
