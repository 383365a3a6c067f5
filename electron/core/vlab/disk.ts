/** A node's disk: an empty, sparse qcow2 image made by qemu-img (it grows as the node writes). */
import { execFile } from 'node:child_process';
import { RackpilotError } from '../../../shared/errors';
import { VlabErrorCode } from '../../../shared/domain/vlab';

export const DISK_FILE = 'disk.qcow2';

export function createDisk(qemuImg: string, path: string, sizeGb: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(qemuImg, ['create', '-q', '-f', 'qcow2', path, `${sizeGb}G`], { timeout: 30_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const why = String(stderr).trim() || err.message;
      reject(new RackpilotError(VlabErrorCode.QemuFailed, `qemu-img could not create the disk ${path}: ${why}. Check the free space and permissions of the data folder.`));
    });
  });
}
