// Package rawfile reads and writes whole small files with the fewest
// system calls.
//
// os.Open and os.Create offer every file they open to the runtime's
// poller: on Linux that is two fcntl calls, an epoll_ctl that fails for
// a regular file, and two fcntl calls more, five wasted calls a file. A
// build reads 10,000 episode files, compares 40,000 published ones and
// writes as many; lint reads every episode file. Those five calls were a
// quarter of lint's time.
package rawfile
