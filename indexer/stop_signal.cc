#include "indexer/stop_signal.h"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

namespace newsearch {

std::atomic<bool>& StopRequested() {
  static std::atomic<bool> stop{false};
  return stop;
}

void StartStopSignalThread(const std::string& program) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals, program] {
    for (int count = 0;; ++count) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0) continue;
      if (count > 0) std::_Exit(128 + signal);
      std::cerr << "\n"
                << program << ": " << (signal == SIGINT ? "SIGINT" : "SIGTERM")
                << ": stopping after the current document (again to stop "
                   "at once)\n";
      StopRequested().store(true);
    }
  }).detach();
}

}  // namespace newsearch
