// The page's task list against a fake API: a task added from a folder while the workbench's list is on its way
// stays listed when that (older) list arrives, and the folder's answer wins over the list's for its id.
import { describe, expect, it } from 'vitest'
import type { TaskInfo, WorkbenchApi } from '../../../src/shared/contract'
import { useTaskList } from '../../../src/renderer/src/composables/useTaskList'

const task = (id: string, title = id): TaskInfo => ({ id, title }) as TaskInfo

function slowList(listed: TaskInfo[]) {
  let answer: (t: TaskInfo[]) => void = () => {}
  const api = {
    call: (method: string) => {
      if (method !== 'tasks.list') throw new Error(`unexpected ${method}`)
      return new Promise<TaskInfo[]>((resolve) => (answer = resolve))
    },
    on: () => () => {},
  } as unknown as WorkbenchApi
  return { api, answer: () => answer(listed) }
}

describe('the task list', () => {
  it('keeps a task added before the workbench list arrives', async () => {
    const { api, answer } = slowList([task('cartpole'), task('hopper'), task('mine', 'old title')])
    const list = useTaskList(api)
    const loading = list.load()
    list.added(task('mine', 'new title'))
    list.added(task('folder-task'))
    expect(list.tasks.value.map((t) => t.id)).toEqual(['mine', 'folder-task'])
    answer()
    await loading
    expect(list.tasks.value.map((t) => t.id)).toEqual(['cartpole', 'hopper', 'mine', 'folder-task'])
    expect(list.tasks.value.find((t) => t.id === 'mine')!.title).toBe('new title')
  })

  it('lists a task added after the list once, replacing its earlier entry', async () => {
    const { api, answer } = slowList([task('cartpole'), task('mine', 'old title')])
    const list = useTaskList(api)
    const loading = list.load()
    answer()
    await loading
    list.added(task('mine', 'new title'))
    expect(list.tasks.value.map((t) => [t.id, t.title])).toEqual([
      ['cartpole', 'cartpole'],
      ['mine', 'new title'],
    ])
  })
})
