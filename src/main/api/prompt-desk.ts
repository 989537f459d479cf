// Which page answers which prompt when several pages answer the person sessions of one workbench. A prompt goes to
// one page at a time: the free page (holding none) that has been free longest. A page holds it while it keeps
// calling in (queries.pending every few seconds renews its lease); when it closes, or falls silent past the lease
// while another page is free, the prompt moves on. Answering takes a prompt for good, so a second answer is refused
// in one line naming who answered. Pure: the prompts waiting now, the clock and the delivery are given.
import type { QueryPrompt } from '../../shared/contract'

/** A page silent this long loses the prompt it holds to a free page (the page calls in every few seconds). */
export const PROMPT_LEASE_MS = 15_000
/** how many answered queries are remembered, to say who answered when a second answer comes */
const REMEMBERED = 200

export interface DeskPage {
  readonly id: string
  /** delivers a prompt to this page only */
  send(prompt: QueryPrompt): void
}

export interface PromptDeskOptions {
  /** the prompts the sessions wait on now (the hosts' own lists); the desk follows them */
  live: () => QueryPrompt[]
  /** delivery to every client, used only while no page has joined (in-process callers, the query bench) */
  broadcast: (prompt: QueryPrompt) => void
  leaseMs?: number
  now?: () => number
}

interface PageState {
  page: DeskPage
  operator: string | null
  seenAt: number
  freeSince: number
}

interface Held {
  prompt: QueryPrompt
  holder: string | null
  /** the page whose answer (or skip) is being stored */
  answering: Taking | null
}

interface Taking {
  page: string
  /** the page's operator when it took it (a page that closed is still named) */
  operator: string | null
  kind: 'answer' | 'skip'
}

export class PromptDesk {
  private readonly pages = new Map<string, PageState>()
  /** in issue order */
  private readonly held = new Map<number, Held>()
  private readonly taken = new Map<number, Taking>()

  constructor(private readonly opts: PromptDeskOptions) {}

  private now(): number {
    return (this.opts.now ?? Date.now)()
  }

  private get leaseMs(): number {
    return this.opts.leaseMs ?? PROMPT_LEASE_MS
  }

  /** A new prompt: to the free page that has waited longest, or to everyone while no page has joined. */
  offer(prompt: QueryPrompt): void {
    this.sync()
    if (!this.held.has(prompt.queryId)) this.held.set(prompt.queryId, { prompt, holder: null, answering: null })
    if (this.pages.size === 0) this.opts.broadcast(prompt)
    else this.dispatch()
  }

  /**
   * A page calls in (queries.pending): it joins, its lease is renewed, a waiting prompt may go to it; returns what it
   * holds. Its own new prompt comes back here rather than as an event, so it is not delivered twice.
   */
  call(page: DeskPage, operator?: string | null): QueryPrompt[] {
    const now = this.now()
    const known = this.pages.get(page.id)
    if (known) {
      known.seenAt = now
      if (operator !== undefined) known.operator = operator
    } else this.pages.set(page.id, { page, operator: operator ?? null, seenAt: now, freeSince: now })
    this.sync()
    this.dispatch(page.id)
    return [...this.held.values()].filter((h) => h.holder === page.id).map((h) => h.prompt)
  }

  /** The page closed: what it held goes to another page at once. */
  leave(pageId: string): void {
    if (!this.pages.delete(pageId)) return
    for (const h of this.held.values()) if (h.holder === pageId) h.holder = null
    this.sync()
    this.dispatch()
  }

  /**
   * A page answers (or skips) `queryId`: refused in one line when it is answered already or held by another page
   * that is still there; otherwise it is this page's until done() or undo().
   */
  take(pageId: string, queryId: number, kind: Taking['kind'] = 'answer'): void {
    this.sync()
    const state = this.pages.get(pageId)
    if (state) state.seenAt = this.now()
    const h = this.held.get(queryId)
    const before = h ? h.answering : this.taken.get(queryId)
    if (before) {
      const verb = before.kind === 'answer' ? 'answered' : 'skipped'
      throw new Error(`query ${queryId} was ${verb} already${this.byWhom(before.page, before.operator, pageId)}`)
    }
    if (!h) throw new Error(`query ${queryId} is not waiting for an answer (answered, skipped or abandoned)`)
    if (h.holder !== null && h.holder !== pageId && !this.lapsed(h.holder)) {
      const op = this.pages.get(h.holder)?.operator ?? null
      throw new Error(`query ${queryId} is with another page${op ? ` (${op})` : ''}`)
    }
    h.holder = pageId
    h.answering = { page: pageId, operator: state?.operator ?? null, kind }
  }

  /** The answer was refused (a bad action): the page holds the prompt again. */
  undo(queryId: number): void {
    const h = this.held.get(queryId)
    if (h) h.answering = null
  }

  /** The answer (or skip) is stored: the page is free for the next prompt. */
  done(queryId: number): void {
    const h = this.held.get(queryId)
    if (h) this.forget(queryId, h)
    this.dispatch()
  }

  /** who holds a prompt now (tests, the page's figures) */
  holderOf(queryId: number): string | null {
    return this.held.get(queryId)?.holder ?? null
  }

  private byWhom(pageId: string, operator: string | null, asking: string): string {
    if (pageId === asking) return ' on this page'
    return operator ? ` by ${operator}` : ' on another page'
  }

  private lapsed(pageId: string): boolean {
    const p = this.pages.get(pageId)
    return !p || this.now() - p.seenAt > this.leaseMs
  }

  private forget(queryId: number, h: Held): void {
    this.held.delete(queryId)
    if (h.answering !== null) {
      this.taken.set(queryId, h.answering)
      if (this.taken.size > REMEMBERED) this.taken.delete(this.taken.keys().next().value!)
    }
    const holder = h.holder === null ? undefined : this.pages.get(h.holder)
    if (holder) holder.freeSince = this.now()
  }

  /** Follow the sessions: prompts they no longer wait on (answered, skipped, the session stopped) are let go. */
  private sync(): void {
    const live = this.opts.live()
    const ids = new Set(live.map((p) => p.queryId))
    for (const [id, h] of [...this.held]) if (!ids.has(id)) this.forget(id, h)
    for (const p of live)
      if (!this.held.has(p.queryId)) this.held.set(p.queryId, { prompt: p, holder: null, answering: null })
  }

  /** Hand each unheld prompt, and each held by a lapsed page, to the free page free longest. */
  private dispatch(quietFor?: string): void {
    const now = this.now()
    const busy = new Set([...this.held.values()].map((h) => h.holder))
    for (const h of this.held.values()) {
      if (h.answering !== null || (h.holder !== null && !this.lapsed(h.holder))) continue
      let best: PageState | null = null
      for (const p of this.pages.values()) {
        if (busy.has(p.page.id) || now - p.seenAt > this.leaseMs) continue
        if (!best || p.freeSince < best.freeSince) best = p
      }
      if (!best) continue
      if (h.holder !== null) {
        const lapsed = this.pages.get(h.holder)
        if (lapsed) lapsed.freeSince = now
        busy.delete(h.holder)
      }
      h.holder = best.page.id
      busy.add(best.page.id)
      if (best.page.id !== quietFor) best.page.send(h.prompt)
    }
  }
}
