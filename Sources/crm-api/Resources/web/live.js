// Server-sent events: every change made by anyone reaches every open grid. EventSource
// reconnects by itself after a network blip and sends Last-Event-ID, so nothing is missed. It
// gives up for good on an answer that is not a stream (a 401 once the session has ended, a proxy's
// 502): then a new stream is opened after a pause, or at once by reopen(), resuming from the last
// event seen.
export class Live {
  constructor(onEvent, onConnection) {
    this.onEvent = onEvent;
    this.onConnection = onConnection;
    this.lastEventId = null;
    this.delay = 2000;
    this.timer = 0;
    this.closed = false;
    this.open();
  }

  open() {
    const url = this.lastEventId ? `/api/events?last_event_id=${encodeURIComponent(this.lastEventId)}` : "/api/events";
    const source = new EventSource(url);
    this.source = source;
    for (const kind of ["record", "fields", "reset"]) {
      source.addEventListener(kind, (message) => {
        if (message.lastEventId) this.lastEventId = message.lastEventId;
        let data = {};
        try { data = JSON.parse(message.data); } catch { data = {}; }
        this.onEvent({ kind, id: message.lastEventId, data });
      });
    }
    source.addEventListener("open", () => { this.delay = 2000; this.onConnection(true); });
    source.addEventListener("error", () => {
      this.onConnection(source.readyState === EventSource.OPEN);
      if (source.readyState !== EventSource.CLOSED || this.closed || source !== this.source) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.open(), this.delay);
      this.delay = Math.min(this.delay * 2, 30000);
    });
  }

  /** Opens a new stream now (after signing in again), resuming from the last event seen. */
  reopen() {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.source.close();
    this.delay = 2000;
    this.open();
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.source.close();
  }
}
