import { computed, ref, watch } from 'vue'
import { call } from '../api/problem'
import { currentLocale, i18n } from '../i18n'
import { staffApi, type Category, type Schemas, type Section } from './api'

// Categories, sections and townships change rarely: read once per language and shared by every console page.

const categories = ref<Category[]>([])
const sections = ref<Section[]>([])
const townships = ref<Schemas['ListTownshipsItem'][]>([])
let loaded: { locale: string; promise: Promise<boolean> } | null = null

async function read(): Promise<boolean> {
  const [c, s, tw] = await Promise.all([
    call(() => staffApi().GET('/api/v1/categories')),
    call(() => staffApi().GET('/api/v1/sections')),
    call(() => staffApi().GET('/api/v1/townships')),
  ])
  if (c.ok) categories.value = c.data
  if (s.ok) sections.value = s.data
  if (tw.ok) townships.value = tw.data
  return c.ok && s.ok && tw.ok
}

/** Loads (once per language) and resolves false when something could not be read. */
export function loadCatalog(force = false): Promise<boolean> {
  const locale = currentLocale()
  if (force || !loaded || loaded.locale !== locale) {
    const promise = read()
    loaded = { locale, promise }
    void promise.then((ok) => {
      if (!ok && loaded?.promise === promise) loaded = null // try again next time
    })
  }
  return loaded.promise
}

// Names follow the language switch.
watch(i18n.global.locale, () => {
  if (loaded) void loadCatalog()
})

export interface CategoryGroup {
  group: string
  groupName: string
  items: Category[]
}

export function useCatalog() {
  const groups = computed<CategoryGroup[]>(() => {
    const byGroup = new Map<string, CategoryGroup>()
    for (const c of categories.value) {
      let g = byGroup.get(c.group)
      if (!g) byGroup.set(c.group, (g = { group: c.group, groupName: c.groupName, items: [] }))
      g.items.push(c)
    }
    return [...byGroup.values()]
  })
  return {
    categories,
    sections,
    townships,
    groups,
    sectionName: (code: string | null | undefined) => (code ? (sections.value.find((s) => s.code === code)?.name ?? code) : ''),
    categoryName: (code: string | null | undefined) =>
      code ? (categories.value.find((c) => c.code === code)?.name ?? code) : '',
    groupName: (code: string | null | undefined) =>
      code ? (categories.value.find((c) => c.group === code)?.groupName ?? code) : '',
  }
}

/** Called after an administrator edits sections, so the new names show at once. */
export function reloadSections(): Promise<boolean> {
  return loadCatalog(true)
}
