// Package rawopen opens files for reading without registering them with
// the runtime's network poller.
//
// os.Open tries to add every file to the poller: on Linux a regular file
// costs four fcntl calls and a failed epoll_ctl on top of the open, fstat,
// read and close a scan needs — twice the system calls, on 10,000 files
// a tenth of a second of CPU, more on virtual machines where entering the
// kernel is dear. A file made by os.NewFile from a blocking descriptor is
// not pollable, and reads the same way (files never block in the poller's
// sense anyway).
//
// File goes one step further for readers that want a file's bytes: no
// *os.File at all (making one asks the descriptor's flags, one more
// system call, and registers a cleanup), only open, fstat, read and
// close.
package rawopen
