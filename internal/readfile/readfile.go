// Package readfile reads whole small files with the fewest system calls.
//
// os.Open offers every file it opens to the runtime's poller: on Linux
// that is two fcntl calls, an epoll_ctl that fails for a regular file,
// and two fcntl calls more, five wasted calls a file. A build reads
// 10,000 episode files and compares 40,000 published ones; lint reads
// every episode file. Those five calls were a quarter of lint's time.
package readfile
