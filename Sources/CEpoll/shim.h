#ifndef AUTHD_CEPOLL_SHIM_H
#define AUTHD_CEPOLL_SHIM_H
// Swift's Glibc module does not include these headers; HTTPServer needs them for its event loops.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <pthread.h>

// GNU extensions that Swift's Glibc module (built without _GNU_SOURCE) does not declare.
// accept4 saves two fcntl calls per connection; thread names make the loops visible in top and gdb.
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);
#endif
