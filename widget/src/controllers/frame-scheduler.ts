/**
 * Frame scheduling for `<dip-shoppable-video>`: calls back once per presented video frame
 * (`requestVideoFrameCallback`, which also fires for the frame shown after a seek while paused),
 * or once per animation frame while playing where that is missing (rAF). The callback gets the
 * frame's media time while playing (undefined while paused: the video's `currentTime` holds).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class FrameScheduler implements ReactiveController {
  readonly #video: () => HTMLVideoElement | null;
  readonly #onFrame: (mediaTime?: number) => void;
  #frameHandle = 0;
  #rafHandle = 0;

  /** `video` is the attached video (read at each call); `onFrame` runs per frame, before the next one is asked for. */
  constructor(host: ReactiveControllerHost, video: () => HTMLVideoElement | null, onFrame: (mediaTime?: number) => void) {
    this.#video = video;
    this.#onFrame = onFrame;
    host.addController(this);
  }

  /** A disconnected host asks for no frames (the attachment has cancelled them already, while detaching). */
  hostDisconnected(): void {
    this.cancel();
  }

  /** Asks for the next frame (at most one request outstanding; none for a paused video without rVFC). */
  schedule(): void {
    const video = this.#video();
    if (!video) return;
    const rvfc = (video as Partial<Pick<HTMLVideoElement, 'requestVideoFrameCallback'>>).requestVideoFrameCallback;
    if (rvfc) {
      // Fires once per presented frame, also for the frame shown after a seek while paused.
      if (!this.#frameHandle) {
        this.#frameHandle = rvfc.call(video, (_now, meta) => {
          this.#frameHandle = 0;
          this.#onFrame(video.paused ? undefined : meta.mediaTime);
          this.schedule();
        });
      }
    } else if (!video.paused && !this.#rafHandle) {
      this.#rafHandle = requestAnimationFrame(() => {
        this.#rafHandle = 0;
        this.#onFrame();
        this.schedule();
      });
    }
  }

  /** Drops the outstanding request (call while the video it was made on is still the attached one). */
  cancel(): void {
    const video = this.#video();
    if (video && this.#frameHandle) video.cancelVideoFrameCallback?.(this.#frameHandle);
    cancelAnimationFrame(this.#rafHandle);
    this.#frameHandle = 0;
    this.#rafHandle = 0;
  }
}
