/** API methods for the practice rack's lab OS image. */
import type { Handlers } from '../rpc/handlers';
import type { LabImage } from './lab-image';

export function labImageHandlers(image: LabImage): Pick<Handlers, 'vlab.labImage' | 'vlab.useLabImage'> {
  return {
    'vlab.labImage': () => image.status(),
    'vlab.useLabImage': () => image.use(),
  };
}
