// How a long run of newsindex stops on SIGINT or SIGTERM: the signals are
// blocked in every thread and taken by one thread that only waits for them.
// The first sets StopRequested(), which ingestion checks after each
// document (IngestOptions::stop); a second ends the process at once, as
// safe as SIGKILL since every batch committed so far is kept.
//
//   StartStopSignalThread("newsindex");  // before any other thread starts
//   options.stop = &StopRequested();
//
// StartStopSignalThread() must be called once, before other threads exist,
// so that they inherit the blocked signals. StopRequested() is thread-safe.
#ifndef NEWSEARCH_INDEXER_STOP_SIGNAL_H_
#define NEWSEARCH_INDEXER_STOP_SIGNAL_H_

#include <atomic>
#include <string>

namespace newsearch {

// Set by the signal thread on the first SIGINT or SIGTERM.
std::atomic<bool>& StopRequested();

// Blocks SIGINT and SIGTERM and starts the (detached) thread that takes
// them; `program` prefixes its message on stderr.
void StartStopSignalThread(const std::string& program);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_STOP_SIGNAL_H_
