// Server-sent events: every change made by anyone reaches every open grid. EventSource
// reconnects by itself and sends Last-Event-ID, so nothing is missed across a blip.
export class Live {
  constructor(onEvent, onConnection) {
    this.source = new EventSource("/api/events");
    for (const kind of ["record", "state", "fields", "reset"]) {
      this.source.addEventListener(kind, (message) => {
        let data = {};
        try { data = JSON.parse(message.data); } catch { data = {}; }
        onEvent({ kind, id: message.lastEventId, data });
      });
    }
    this.source.addEventListener("open", () => onConnection(true));
    this.source.addEventListener("error", () => onConnection(this.source.readyState === EventSource.OPEN));
  }

  close() { this.source.close(); }
}
