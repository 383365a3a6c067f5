{
  "targets": [
    {
      "target_name": "bind_device",
      "sources": ["src/bind_device.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
