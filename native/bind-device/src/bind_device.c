/*
 * bindToDevice(fd, ifname): SO_BINDTODEVICE on an existing socket.
 *
 * Why: Node's dgram cannot bind a socket to one network interface, and a DHCP responder bound to
 * 0.0.0.0:67 hears broadcasts from every interface without knowing which one. Tying the socket to
 * the lab interface makes the kernel deliver only that interface's packets to it and send its
 * replies (including 255.255.255.255 broadcasts) out of that interface alone.
 * Plain C over N-API: ABI-stable, so one build serves Node and Electron alike.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <node_api.h>
#ifdef __linux__
#include <sys/socket.h>
#include <net/if.h>
#endif

static napi_value throw_errno(napi_env env, int err, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  /* The errno name, as Node's own socket errors carry it, so callers can branch on it. */
  const char *code = err == ENODEV ? "ENODEV" : err == EPERM ? "EPERM" : err == EACCES ? "EACCES"
                   : err == ENOSYS ? "ENOSYS" : err == EBADF ? "EBADF" : "EUNKNOWN";
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

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "bindToDevice", NAPI_AUTO_LENGTH, bind_to_device, NULL, &fn);
  napi_set_named_property(env, exports, "bindToDevice", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
