/*
 * bindToDevice(fd, ifname): SO_BINDTODEVICE on an existing socket.
 * sendTftpData(fd, block, count, payload, offset, blockSize): a TFTP window in one sendmmsg(2).
 *
 * Why: Node's dgram cannot bind a socket to one network interface, and a DHCP responder bound to
 * 0.0.0.0:67 hears broadcasts from every interface without knowing which one. Tying the socket to
 * the lab interface makes the kernel deliver only that interface's packets to it and send its
 * replies (including 255.255.255.255 broadcasts) out of that interface alone.
 * Plain C over N-API: ABI-stable, so one build serves Node and Electron alike.
 */
#define _GNU_SOURCE /* sendmmsg */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <node_api.h>
#ifdef __linux__
#include <sys/socket.h>
#include <sys/uio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#endif

static napi_value throw_errno(napi_env env, int err, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  /* The errno name, as Node's own socket errors carry it, so callers can branch on it. */
  const char *code = err == ENODEV ? "ENODEV" : err == EPERM ? "EPERM" : err == EACCES ? "EACCES"
                   : err == ENOSYS ? "ENOSYS" : err == EBADF ? "EBADF" : err == ECONNREFUSED ? "ECONNREFUSED"
                   : err == ENOTSOCK ? "ENOTSOCK" : err == EMSGSIZE ? "EMSGSIZE" : err == ENOBUFS ? "ENOBUFS"
                   : err == EDESTADDRREQ ? "EDESTADDRREQ" : err == ENOTCONN ? "ENOTCONN" : "EUNKNOWN";
  napi_throw_error(env, code, msg);
  return NULL;
}

static napi_value bind_to_device(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, "bindToDevice(fd, ifname) needs two arguments");
    return NULL;
  }
  int32_t fd;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "fd must be a non-negative integer");
    return NULL;
  }
  char name[64];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "ifname must be a string");
    return NULL;
  }
#ifdef __linux__
  if (len == 0 || len >= IFNAMSIZ) {
    napi_throw_range_error(env, NULL, "ifname must be 1..15 characters");
    return NULL;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, (socklen_t)(len + 1)) != 0) {
    return throw_errno(env, errno, "setsockopt(SO_BINDTODEVICE)");
  }
  return NULL;
#else
  (void)fd;
  (void)len;
  return throw_errno(env, ENOSYS, "SO_BINDTODEVICE is Linux-only");
#endif
}

/*
 * sendTftpData(fd, block, count, payload, offset, blockSize) → datagrams sent (0..count).
 *
 * Why: a TFTP window is up to 16 DATA packets; through dgram each costs a JS → libuv → sendto
 * round of its own, which is what bounds the server on a fast link. Here the window goes out in
 * one sendmmsg(2) on the transfer's connected socket, each message gathered from a 4-byte header
 * on the stack and a slice of `payload` (no copy): packet i carries block (block + i) mod 65536
 * and bytes [offset + i*blockSize, +blockSize) of payload, cut short at its end (the last block
 * of a file is shorter, maybe empty). A full socket buffer (EAGAIN) is not an error: the count
 * tells the caller where to continue through dgram, which queues and waits for the socket.
 *
 * Where the kernel allows it the window goes out as one UDP GSO send (UDP_SEGMENT, Linux 4.18):
 * the datagrams of a window are equal-sized except the file's last, so the kernel can cut one
 * buffer into them and run the stack once per window instead of once per packet. When GSO is
 * refused (old kernel; a segment larger than the path MTU allows; no checksum offload) that
 * window goes out with sendmmsg(2) instead, and an unsupported kernel is not asked again.
 */
#define TFTP_BATCH 64
#define UDP_MAX_PAYLOAD 65507 /* IPv4 bound; IPv6 allows a little more */

static int gso_unsupported = 0;

/* One GSO send of msgs[0..n): returns n, 0 to fall back to sendmmsg, or -1 with errno set. */
static int send_gso(int fd, struct iovec (*iov)[2], int n, size_t seg) {
  if (gso_unsupported || n < 2) return 0;
  struct iovec flat[2 * TFTP_BATCH];
  for (int i = 0; i < n; i++) {
    flat[2 * i] = iov[i][0];
    flat[2 * i + 1] = iov[i][1];
  }
  union {
    char buf[CMSG_SPACE(sizeof(uint16_t))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = flat;
  msg.msg_iovlen = (size_t)(2 * n);
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_UDP;
  cm->cmsg_type = UDP_SEGMENT;
  cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  uint16_t gso = (uint16_t)seg;
  memcpy(CMSG_DATA(cm), &gso, sizeof gso);
  ssize_t r;
  do r = sendmsg(fd, &msg, MSG_DONTWAIT);
  while (r < 0 && errno == EINTR);
  if (r >= 0) return n;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) return -1;
  if (errno == ENOPROTOOPT || errno == EOPNOTSUPP) gso_unsupported = 1;
  return 0; /* EINVAL (segment above the MTU), EIO (no checksum offload), …: plain sendmmsg */
}

static napi_value send_tftp_data(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6) {
    napi_throw_type_error(env, NULL, "sendTftpData(fd, block, count, payload, offset, blockSize) needs six arguments");
    return NULL;
  }
  int32_t fd, count, offset, block_size;
  uint32_t block;
  void *data = NULL;
  size_t len = 0;
  bool is_buffer = false;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 ||
      napi_get_value_uint32(env, argv[1], &block) != napi_ok ||
      napi_get_value_int32(env, argv[2], &count) != napi_ok || count < 0 ||
      napi_is_buffer(env, argv[3], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_buffer_info(env, argv[3], &data, &len) != napi_ok ||
      napi_get_value_int32(env, argv[4], &offset) != napi_ok || offset < 0 || (size_t)offset > len ||
      napi_get_value_int32(env, argv[5], &block_size) != napi_ok || block_size < 1 || block_size > 65464) {
    napi_throw_type_error(env, NULL, "sendTftpData: bad arguments");
    return NULL;
  }
  int32_t sent = 0;
#ifdef __linux__
  unsigned char heads[TFTP_BATCH][4];
  struct iovec iov[TFTP_BATCH][2];
  struct mmsghdr msgs[TFTP_BATCH];
  size_t pos = (size_t)offset;
  const size_t seg = 4 + (size_t)block_size;
  const int gso_max = (int)(UDP_MAX_PAYLOAD / seg) < TFTP_BATCH ? (int)(UDP_MAX_PAYLOAD / seg) : TFTP_BATCH;
  while (sent < count) {
    int n = count - sent < TFTP_BATCH ? count - sent : TFTP_BATCH;
    if (gso_max >= 2 && n > gso_max) n = gso_max;
    size_t p = pos;
    for (int i = 0; i < n; i++) {
      uint32_t b = (block + (uint32_t)sent + (uint32_t)i) & 0xffff;
      size_t take = p < len ? len - p : 0;
      if (take > (size_t)block_size) take = (size_t)block_size;
      heads[i][0] = 0;
      heads[i][1] = 3; /* DATA */
      heads[i][2] = (unsigned char)(b >> 8);
      heads[i][3] = (unsigned char)(b & 0xff);
      iov[i][0].iov_base = heads[i];
      iov[i][0].iov_len = 4;
      iov[i][1].iov_base = (unsigned char *)data + (take ? p : 0);
      iov[i][1].iov_len = take;
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = iov[i];
      msgs[i].msg_hdr.msg_iovlen = 2;
      p += take;
    }
    int r = send_gso(fd, iov, n, seg);
    if (r == 0) {
      do r = sendmmsg(fd, msgs, (unsigned)n, MSG_DONTWAIT);
      while (r < 0 && errno == EINTR);
    }
    if (r < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      /* Report the error only when nothing went out; otherwise the next call meets it again. */
      if (sent == 0) return throw_errno(env, errno, "sendmmsg");
      break;
    }
    for (int i = 0; i < r; i++) pos += iov[i][1].iov_len;
    sent += r;
    if (r < n) break;
  }
#else
  (void)fd;
  (void)block;
  (void)data;
  (void)len;
  (void)offset;
  (void)block_size;
  if (count > 0) return throw_errno(env, ENOSYS, "sendmmsg is Linux-only");
#endif
  napi_value result;
  napi_create_int32(env, sent, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "bindToDevice", NAPI_AUTO_LENGTH, bind_to_device, NULL, &fn);
  napi_set_named_property(env, exports, "bindToDevice", fn);
  napi_create_function(env, "sendTftpData", NAPI_AUTO_LENGTH, send_tftp_data, NULL, &fn);
  napi_set_named_property(env, exports, "sendTftpData", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
