/**
 * The browser's image decoder, usable in a worker: createImageBitmap on a Blob, drawn onto an
 * OffscreenCanvas, read back as RGBA. Any failure becomes IMAGE_UNREADABLE naming the file.
 *
 * Colour-space conversion is off (pixels as stored, like Node decoders and training pipelines that
 * ignore ICC profiles) and alpha is not premultiplied. No DOM: compiled with lib "webworker".
 */
import { BonsaiError, outOfMemoryError } from '../engine/errors';
import { IMAGE_EXTENSIONS } from '../engine/data/image-layout';
import { MAX_DECODED_PIXELS, type DecodedImage, type ImageDecoder } from '../engine/data/images';

const HINT = `Bonsai reads ${IMAGE_EXTENSIONS.join(', ')} images. Check that the file opens in an image viewer, or remove it.`;

export const decodeImageInWorker: ImageDecoder = async (bytes: Uint8Array, path: string): Promise<DecodedImage> => {
  let bitmap: ImageBitmap | undefined;
  try {
    if (bytes.byteLength === 0) throw new Error('the file is empty');
    // A Blob needs bytes on a plain ArrayBuffer (not a SharedArrayBuffer): copy only when they are not.
    const part = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
    bitmap = await createImageBitmap(new Blob([part]), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
      imageOrientation: 'from-image',
    });
    const { width, height } = bitmap;
    if (width <= 0 || height <= 0) throw new Error(`it decodes to ${width}×${height} pixels`);
    if (width * height > MAX_DECODED_PIXELS) {
      throw new Error(`${width}×${height} pixels is more than the ${MAX_DECODED_PIXELS / 1e6} megapixels Bonsai reads`);
    }
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D canvas is available in this worker');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, width, height);
    return { width, height, data };
  } catch (e) {
    if (e instanceof BonsaiError) throw e;
    // Not a bad image: skipping it as unreadable would hide that memory ran out.
    const oom = outOfMemoryError(e, `Decoding "${path}"`, path);
    if (oom) throw oom;
    const detail = (e instanceof Error ? e.message || e.name : String(e)).trim().replace(/\.$/, '');
    throw new BonsaiError('IMAGE_UNREADABLE', `"${path}" could not be read as an image (${detail}).`, HINT, path);
  } finally {
    bitmap?.close();
  }
};
