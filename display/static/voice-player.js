// The hall's voice in the browser: one announcement at a time, never overlapping, never cut off.
//
//   const voice = new VoicePlayer({ onAudible(ok) { overlay.hidden = ok; } });
//   voice.configure({ mode: "clips", repeat: 1 });   // from /api/v1/display-settings
//   const late = voice.missed(snap);                  // a snapshot's calls this board never had, moments old
//   voice.sawSnapshot(snap.seq);                      // nothing else a snapshot holds is spoken
//   voice.enqueue(ticketCalledPayload);               // live calls
//   voice.enqueue(call, { late: true });              // each of `late`
//
// Each `ticket_called` carries `announce: {text, clips, speech}`. In `clips` mode the chime
// and the voice-pack clips are fetched and decoded once (AudioBuffers are cached), then
// scheduled back to back on the AudioContext clock, so there is no gap between words; the
// sentence is said `repeat` times. The next announcement is scheduled only after the
// previous one has ended on that same clock. In `speech` mode a Vietnamese Web Speech voice
// reads `announce.speech` after the chime; without such a voice the clips are used.
//
// `voice.hook` (exposed as window.hallqVoice) lets tests and technicians see what happened:
// `played` (clip URLs in play order), `spoken` (Web Speech texts), `announcements` (one
// record per announcement, with its start and end on the audio clock), `skipped`, `errors`,
// `counts` ({announced, skipped} since the page opened), `queued`, `state`, `audio`.
// Every announcement also fires `hallq:announce` on window, detail {phase: start|end, ...}.
// All these lists are capped, so a board can run for weeks.

const CHIME = /\/chime\.[a-z0-9]+$/i;
const MAX_QUEUE = 12;          // more waiting than this: the oldest are dropped (shown, not said)
const MAX_AGE_MS = 180000;     // a call not said within 3 minutes is no longer worth saying
const GAP_S = 0.6;             // silence between two announcements
const REPEAT_GAP_S = 0.8;      // silence between two sayings of one sentence
const LEAD_S = 0.1;            // scheduling head-room on the audio clock
const SPEECH_TIMEOUT_MS = 30000;
const BUFFER_CAP = 256;        // a voice pack has ~120 clips; more means the pack changed
const LOG_CAP = 200;
const LATE_MS = 30000;         // a call this board missed (a reconnect, a gap) is said late if it is this recent
const SAID_CAP = 64;           // calls remembered as said, so none is said twice

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function capped(list, item, cap = LOG_CAP) {
  list.push(item);
  if (list.length > cap) list.splice(0, list.length - cap);
}

export class VoicePlayer {
  constructor({ enabled = true, onAudible = () => {} } = {}) {
    this.enabled = enabled;
    this.mode = "clips";
    this.repeat = 1;
    this.onAudible = onAudible;
    this.lastSeq = null;       // the newest seq seen (events and snapshots); older calls are never said
    this.said = [];            // keys of the last calls queued: never twice, even after a snapshot set lastSeq back
    this.queue = [];
    this.running = false;
    this.buffers = new Map();  // clip URL → Promise<AudioBuffer>
    this.audioEnd = 0;         // when the last scheduled sound ends, on the audio clock
    this.hook = {
      played: [], spoken: [], announcements: [], skipped: [], errors: [], state: "idle", enabled,
      counts: { announced: 0, skipped: 0 },  // since the page opened; the lists keep only the last ones
    };
    Object.defineProperty(this.hook, "queued", { get: () => this.queue.length, enumerable: true });
    this.ctx = null;
    if (enabled) this._openAudio();
  }

  _openAudio() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    this.ctx = new Ctx({ latencyHint: "playback" });
    this.out = this.ctx.createGain();
    this.out.connect(this.ctx.destination);
    // Chromium starts a context "suspended" when autoplay needs a user gesture
    // (a TV in kiosk mode runs with --autoplay-policy=no-user-gesture-required).
    this.ctx.addEventListener("statechange", () => this._reportAudible());
    this._reportAudible();
    this.ctx.resume().catch(() => {});
  }

  _reportAudible() {
    const audible = !this.ctx || this.ctx.state === "running";
    this.hook.audio = this.ctx ? this.ctx.state : "none";
    try { this.onAudible(audible || !this.enabled); } catch (err) { console.error(err); }
  }

  /** Settings from /api/v1/display-settings: {mode, repeat, pack}. */
  configure({ mode, repeat, pack } = {}) {
    if (mode === "clips" || mode === "speech") this.mode = mode;
    if (Number.isInteger(repeat) && repeat >= 1 && repeat <= 5) this.repeat = repeat;
    if (typeof pack === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(pack)) {
      this._packBase = `/display/static/voice/${pack}/`;
    }
    this.hook.mode = this.mode;
    this.hook.repeat = this.repeat;
    // The chime is wanted first and fast; other clips are fetched with their first call.
    if (this.enabled && this.ctx && this._packBase) this._buffer(`${this._packBase}chime.ogg`).catch(() => {});
  }

  /** A user gesture: the browser lets the AudioContext play from now on. */
  unlock() {
    if (this.ctx && this.ctx.state !== "running") this.ctx.resume().catch(() => {});
  }

  /** A snapshot arrived: whatever it holds is history, never announced. */
  sawSnapshot(seq) {
    if (typeof seq === "number") this.lastSeq = seq;  // even lower: the server is the truth
  }

  /**
   * The calls in a snapshot that this board never had and that are moments old: made while it
   * reconnected (its process died, the network blinked) or hidden in a gap. Oldest first; call
   * before sawSnapshot. A first snapshot (lastSeq null) has none: the page has just opened.
   */
  missed(snap) {
    if (this.lastSeq === null || !snap || !Array.isArray(snap.recent_calls)) return [];
    const now = Date.parse(snap.server_time);
    return snap.recent_calls
      .filter((c) => c.announce && typeof c.seq === "number" && c.seq > this.lastSeq
        && Number.isFinite(now) && now - Date.parse(c.at) <= LATE_MS)
      .sort((a, b) => a.seq - b.seq);
  }

  /** A live event that is not spoken still moves the newest seq on. */
  sawSeq(seq) {
    if (this.lastSeq === null || seq > this.lastSeq) this.lastSeq = seq;
  }

  /** Queue a live `ticket_called`; it is said after everything queued before it. */
  enqueue(call, { late = false } = {}) {
    if (!call || !call.announce) return false;
    if (typeof call.seq === "number" && !late) {
      if (this.lastSeq !== null && call.seq <= this.lastSeq) return false;  // seen or in a snapshot
      this.lastSeq = call.seq;
    }
    const key = `${call.seq}|${call.number}|${call.counter}`;
    if (this.said.includes(key)) return false;  // said already (a snapshot from a process a moment behind)
    capped(this.said, key, SAID_CAP);
    if (!this.enabled) return false;
    // The same ticket to the same counter already waiting to be said: once is enough.
    if (this.queue.some((q) => q.number === call.number && q.counter === call.counter)) {
      this._skip(call, "duplicate");
      return false;
    }
    this.queue.push({ ...call, receivedAt: performance.now() });
    while (this.queue.length > MAX_QUEUE) this._skip(this.queue.shift(), "queue_full");
    this._run();
    return true;
  }

  _skip(call, reason) {
    this.hook.counts.skipped += 1;
    capped(this.hook.skipped, { seq: call.seq, number: call.number, counter: call.counter, reason });
  }

  async _run() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        if (!(await this._audible())) continue;
        const call = this.queue.shift();
        if (!call) continue;
        if (performance.now() - call.receivedAt > MAX_AGE_MS) { this._skip(call, "stale"); continue; }
        await this._announce(call);
      }
    } finally {
      this.running = false;
      this.hook.state = "idle";
    }
  }

  /** Wait (a while) for a running AudioContext; drop what went stale meanwhile. */
  async _audible() {
    if (!this.ctx || this.ctx.state === "running") return true;
    this.hook.state = "suspended";
    await sleep(1000);
    const now = performance.now();
    while (this.queue.length && now - this.queue[0].receivedAt > MAX_AGE_MS) this._skip(this.queue.shift(), "stale");
    return this.ctx.state === "running";
  }

  async _announce(call) {
    const record = {
      seq: call.seq, number: call.number, counter: call.counter, recall: Boolean(call.recall),
      mode: this.mode, clips: [], spoken: [], startedAt: performance.now(), endedAt: null,
      audioStart: null, audioEnd: null,
    };
    this.hook.state = "playing";
    this._emit("start", record);
    try {
      const voice = this.mode === "speech" ? this._speechVoice() : null;
      if (this.mode === "speech" && !voice) record.mode = "clips (no Vietnamese speech voice)";
      if (voice) await this._speak(call, voice, record);
      else await this._playClips(call, record);
    } catch (err) {
      capped(this.hook.errors, { seq: call.seq, error: String(err && err.message || err) });
    }
    record.endedAt = performance.now();
    this.hook.counts.announced += 1;
    capped(this.hook.announcements, record, 50);
    this._emit("end", record);
    await sleep(GAP_S * 1000);
  }

  _emit(phase, record) {
    window.dispatchEvent(new CustomEvent("hallq:announce", { detail: { phase, ...record } }));
  }

  // -- clips ---------------------------------------------------------------------------------

  /** The decoded clip, fetched once; a failed fetch is forgotten so that it is tried again. */
  _buffer(url) {
    let entry = this.buffers.get(url);
    if (!entry) {
      entry = fetch(url, { credentials: "same-origin" })
        .then((resp) => {
          if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
          return resp.arrayBuffer();
        })
        .then((data) => this.ctx.decodeAudioData(data));
      entry.catch(() => { if (this.buffers.get(url) === entry) this.buffers.delete(url); });
      this.buffers.set(url, entry);
      if (this.buffers.size > BUFFER_CAP) this.buffers.delete(this.buffers.keys().next().value);
    }
    return entry;
  }

  async _load(urls) {
    let buffers = await Promise.allSettled(urls.map((u) => this._buffer(u)));
    if (buffers.some((b) => b.status === "rejected")) {  // a network blip: once more
      await sleep(1000);
      buffers = await Promise.allSettled(urls.map((u) => this._buffer(u)));
    }
    return buffers.map((b) => (b.status === "fulfilled" ? b.value : null));
  }

  async _playClips(call, record) {
    if (!this.ctx) throw new Error("no Web Audio in this browser");
    const urls = call.announce.clips || [];
    const buffers = await this._load(urls);
    const chime = [];
    const sentence = [];
    urls.forEach((url, i) => (i === 0 && CHIME.test(url) ? chime : sentence).push([url, buffers[i]]));
    let plan = chime.filter(([, b]) => b);
    if (sentence.some(([, b]) => !b)) {
      // A missing word would call the wrong number: say nothing rather than something wrong.
      const missing = sentence.filter(([, b]) => !b).map(([u]) => u);
      capped(this.hook.errors, { seq: call.seq, error: `clips not loaded: ${missing.join(", ")}` });
      const voice = this._speechVoice();
      if (voice) {
        record.mode = "speech (clips missing)";
        await this._speak(call, voice, record);
        return;
      }
    } else {
      for (let r = 0; r < this.repeat; r += 1) {
        if (r > 0) plan.push(null);  // a pause between two sayings
        plan = plan.concat(sentence);
      }
    }
    await this._schedule(plan, record);
  }

  /** Start each buffer exactly when the previous one ends, then wait for the last to end. */
  async _schedule(plan, record) {
    const ctx = this.ctx;
    let t = Math.max(ctx.currentTime, this.audioEnd + GAP_S) + LEAD_S;
    record.audioStart = t;
    let last = null;
    for (const step of plan) {
      if (step === null) { t += REPEAT_GAP_S; continue; }
      const [url, buffer] = step;
      const src = ctx.createBufferSource();
      src.buffer = buffer;
      src.connect(this.out);
      src.start(t);
      t += buffer.duration;
      capped(this.hook.played, url);
      record.clips.push(url);
      last = src;
    }
    record.audioEnd = t;
    this.audioEnd = t;
    if (!last) return;
    // Done when the last clip has ended on the audio clock; the clock stops while the
    // context is suspended, so a suspension can delay the next announcement but never
    // make it overlap this one.
    await new Promise((resolve) => {
      let done = false;
      const finish = () => { if (!done) { done = true; clearInterval(poll); resolve(); } };
      last.onended = finish;
      const poll = setInterval(() => { if (ctx.currentTime >= t) finish(); }, 250);
    });
  }

  // -- Web Speech ------------------------------------------------------------------------------

  _speechVoice() {
    const synth = window.speechSynthesis;
    if (!synth || typeof synth.getVoices !== "function") return null;
    const voices = synth.getVoices() || [];
    return voices.find((v) => /^vi([-_]|$)/i.test(v.lang || "")) || null;
  }

  async _speak(call, voice, record) {
    const urls = call.announce.clips || [];
    if (this.ctx && urls.length && CHIME.test(urls[0])) {
      const [chime] = await this._load([urls[0]]);
      if (chime) await this._schedule([[urls[0], chime]], record);
    }
    const text = call.announce.speech || call.announce.text;
    for (let r = 0; r < this.repeat; r += 1) {
      if (r > 0) await sleep(REPEAT_GAP_S * 1000);
      await this._utter(text, voice);
      capped(this.hook.spoken, text);
      record.spoken.push(text);
    }
  }

  _utter(text, voice) {
    const synth = window.speechSynthesis;
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang || "vi-VN";
      utterance.rate = 0.95;
      const timer = setTimeout(() => { synth.cancel(); resolve(); }, SPEECH_TIMEOUT_MS);
      utterance.onend = utterance.onerror = () => { clearTimeout(timer); resolve(); };
      synth.speak(utterance);
    });
  }
}
