// Two-way fork/join for large kernels: the calling thread does part 0, one persistent worker does
// part 1, and OpenBLAS runs single-threaded inside each part, so BLAS threads and ours never compete.
// Opt-in with RLHF_NATIVE_THREADS=2: on the shared 2-core machine this was measured on, a fork/join
// lost whenever other processes held a core (small GPT step 280-460 ms vs 257-380 ms without), so
// the default is one thread for our kernels and OpenBLAS's own threads for products over 32 MFLOP.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RK_PAUSE() _mm_pause()
#else
#define RK_PAUSE() std::this_thread::yield()
#endif

namespace rk {

class Pool {
 public:
  static Pool& get() {
    static Pool* pool = new Pool();  // never destroyed: the worker may outlive static destructors
    return *pool;
  }

  int parts() const { return parts_; }
  void set_parts(int n) { parts_ = (n >= 2 && hw_ >= 2) ? 2 : 1; }

  // Runs f(part, parts) for part = 0 .. parts-1 and returns when all are done.
  void run(const std::function<void(int, int)>& f) { run_parts(parts_, f); }

  // The same with `want` parts (at most 2, 1 on a one-core machine) whatever RLHF_NATIVE_THREADS
  // says: our GEMM threads its large products as OpenBLAS would. Not from inside a task (inside()).
  void run_parts(int want, const std::function<void(int, int)>& f) {
    // One task at a time: a second JavaScript thread using the addon meanwhile runs its own inline.
    bool idle = false;
    if (want < 2 || hw_ < 2 || inside() || !busy_.compare_exchange_strong(idle, true)) {
      f(0, 1);
      return;
    }
    start_worker();
    task_ = &f;
    const uint64_t g = gen_.fetch_add(1, std::memory_order_seq_cst) + 1;
    if (sleeping_.load(std::memory_order_seq_cst)) {
      std::lock_guard<std::mutex> lk(mu_);
      cv_.notify_one();
    }
    inside() = true;
    f(0, 2);
    inside() = false;
    while (done_.load(std::memory_order_acquire) != g) RK_PAUSE();
    busy_.store(false, std::memory_order_release);
  }

  // True on a thread while it runs a part of a task (nested run_parts calls run inline).
  static bool& inside() {
    thread_local bool in = false;
    return in;
  }

 private:
  Pool() {
    hw_ = static_cast<int>(std::thread::hardware_concurrency());
    const char* env = std::getenv("RLHF_NATIVE_THREADS");
    set_parts(env ? std::atoi(env) : 1);
  }

  void start_worker() {  // under busy_
    if (started_) return;
    started_ = true;
    std::thread([this] { loop(); }).detach();
  }

  void loop() {
    uint64_t seen = 0;
    for (;;) {
      uint64_t g;
      int spins = 0;
      while ((g = gen_.load(std::memory_order_acquire)) == seen) {
        if (++spins < 4000) {
          RK_PAUSE();
          continue;
        }
        std::unique_lock<std::mutex> lk(mu_);
        sleeping_.store(true, std::memory_order_seq_cst);
        cv_.wait(lk, [&] { return gen_.load(std::memory_order_seq_cst) != seen; });
        sleeping_.store(false, std::memory_order_release);
      }
      seen = g;
      inside() = true;
      (*task_)(1, 2);
      inside() = false;
      done_.store(g, std::memory_order_release);
    }
  }

  int hw_ = 1;
  int parts_ = 1;
  bool started_ = false;
  const std::function<void(int, int)>* task_ = nullptr;
  std::atomic<uint64_t> gen_{0}, done_{0};
  std::atomic<bool> sleeping_{false}, busy_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

// [begin, end) of part p of n items split into `parts` contiguous pieces.
inline void split_range(int64_t n, int p, int parts, int64_t* begin, int64_t* end) {
  const int64_t chunk = (n + parts - 1) / parts;
  *begin = std::min<int64_t>(n, p * chunk);
  *end = std::min<int64_t>(n, *begin + chunk);
}

// Below this many output elements a kernel runs on the calling thread alone.
constexpr int64_t kParallelMin = 1 << 16;

}  // namespace rk
