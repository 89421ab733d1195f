#!/usr/bin/env python3
"""Synthetic complaints for the queue and metrics benchmarks (bench/queue.sh, bench/metrics.sh), in COPY text format.

    queue-data.py complaints FIRST LAST TOTAL NOW_UTC EVENTS_FILE > complaints.copy
        complaints FIRST..LAST of 1..TOTAL on stdout, their timeline events in EVENTS_FILE. Ids
        follow submission time over the two years up to NOW_UTC (an ISO instant: the bench's
        start, so "today" matches the API's clock). The same arguments give the same rows.
    queue-data.py lexemes TEXT...
        the search lexemes of the texts, one a line, sorted: checked against what the API stores.

Standard library only. The distribution, in short: two years of cases (more by day than by night),
23 categories with realistic weights, every section (conduct cases always to discipline
inspection, about 15% of the others routed away from their category's default section), about 25%
open (recent cases mostly open, old ones mostly closed, a tail of old stalled cases), descriptions
of 40–300 characters composed from a vocabulary of complaint phrases. The search vector is built
exactly as ComplaintSearch.Lexemes does (character bigrams of every run of ideographs, each run's
last character, lower-cased Latin words and numbers) over description, address and township.
"""
import bisect
import datetime as dt
import functools
import itertools
import random
import re
import sys
import unicodedata

CATEGORIES = {  # code: (default section, accept days, resolve days, weight %)
    "water.industrial": ("enforcement", 2, 15, 8.0), "water.river": ("enforcement", 2, 15, 6.0),
    "water.drinking": ("enforcement", 1, 5, 1.0), "air.industrial": ("enforcement", 2, 15, 7.0),
    "air.odor": ("enforcement", 2, 15, 14.0), "air.dust": ("enforcement", 2, 15, 8.0),
    "air.burning": ("enforcement", 2, 10, 4.0), "air.vehicle": ("pollution", 2, 15, 3.0),
    "noise.industrial": ("enforcement", 2, 15, 6.0), "noise.construction": ("enforcement", 2, 10, 12.0),
    "noise.social": ("enforcement", 2, 15, 10.0), "waste.solid": ("enforcement", 2, 15, 5.0),
    "ecology": ("enforcement", 2, 15, 2.0), "radiation": ("enforcement", 2, 15, 1.0),
    "conduct.formalism": ("discipline", 3, 30, 0.4), "conduct.bureaucratism": ("discipline", 3, 30, 0.6),
    "conduct.hedonism": ("discipline", 3, 30, 0.2), "conduct.extravagance": ("discipline", 3, 30, 0.2),
    "conduct.misconduct": ("discipline", 3, 30, 0.5), "conduct.enforcement": ("discipline", 3, 30, 0.6),
    "conduct.inaction": ("discipline", 3, 30, 0.5), "suggestion": ("office", 2, 15, 4.0),
    "other": ("office", 2, 15, 5.0),
}
# Non-conduct cases routed away from their default section (routing rules, transfers).
REROUTED = 0.15
OTHER_SECTIONS = ["monitoring"] * 4 + ["pollution"] * 3 + ["approval"] * 2 + ["office"] + ["enforcement"]

TOWNSHIPS = ["剡湖街道", "三江街道", "鹿山街道", "浦口街道", "甘霖镇", "长乐镇", "崇仁镇", "黄泽镇", "三界镇",
             "石璜镇", "谷来镇", "仙岩镇", "金庭镇", "北漳镇", "下王镇", "贵门乡", "里南乡", "竹溪乡", "雅璜乡", "通源乡", "王院乡"]
ROADS = ["城东路", "城南路", "兴盛街", "官河路", "鹿山路", "江滨路", "剡湖路", "东前街", "北直街", "嵊州大道", "领带园路",
         "经济开发区", "工业园区", "长春路", "三江路", "双塔路", "越剧小镇", "白莲堂路", "环城北路", "时代广场"]
# Where each township's pins fall (around Shengzhou, 29.59 N 120.82 E); fixed, so runs compare.
TOWNSHIP_CENTRES = {name: (round(29.59 + 0.22 * ((i * 7) % 11 / 10 - 0.5), 4), round(120.82 + 0.3 * ((i * 5) % 13 / 12 - 0.5), 4))
                    for i, name in enumerate(TOWNSHIPS)}
LANDMARKS = ["附近", "旁边", "对面", "后面", "一带", "东侧", "北侧路口", "桥头", "菜市场旁", "小区门口"]
NAMES = ["王女士", "李先生", "张女士", "刘先生", "陈女士", "杨先生", "赵女士", "黄先生", "周女士", "吴先生",
         "徐女士", "孙先生", "马女士", "胡先生", "朱女士", "郭先生", "钱女士", "何先生", "罗女士", "高先生"]

WHEN = ["最近一个月", "这几天", "每天晚上十点以后", "凌晨两三点", "连续三天", "下雨天", "每到周末", "今天上午", "最近半年来",
        "从上个月开始", "每天早上六点左右", "这两周", "昨天夜里", "一直以来", "近期", "晚上七点到十一点", "中午休息时间", "节假日期间"]
SUBJECTS = {
    "water": ["一家化工厂", "附近的印染厂", "一家电镀厂", "上游的养猪场", "一家造纸厂", "一家食品加工厂", "领带厂", "一个洗砂场"],
    "air": ["一家化工厂", "园区里的喷漆厂", "一家橡胶厂", "一家铸造厂", "沥青搅拌站", "路边的烧烤摊", "一家家具厂", "一家塑料颗粒厂", "垃圾中转站"],
    "noise": ["一个建筑工地", "楼下的饭店", "一家KTV", "小区广场上跳广场舞的人", "一家木材加工厂", "冲床厂", "一家汽修店", "商场的外机"],
    "waste": ["一家五金厂", "一个废品收购站", "装修队", "一家机械厂", "不明车辆", "一家化工企业"],
    "ecology": ["一个采砂船队", "有人", "一家石料厂", "村里", "一家开发公司"],
    "radiation": ["新装的通信基站", "一个变电站", "一家医院的放射科", "一家探伤公司"],
    "conduct": ["执法大队的一名工作人员", "窗口的工作人员", "负责检查的同志", "某科室负责人", "下来检查的执法人员"],
    "suggestion": ["环保部门", "咱们局", "监测站", "生态环境分局"],
    "other": ["附近一家企业", "村里的一户人家", "一家养殖户", "小区物业"],
}
PROBLEMS = {
    "water.industrial": ["把没有处理的废水直接排进河里", "排放黄色的废水", "污水处理设施长期不运行",
                         "雨天把废水混在雨水里排放", "排污口流出发黑发臭的水", "废水超标排放", "私设暗管排放含油废水"],
    "water.river": ["河水发黑发臭", "河面漂着一层油污和泡沫", "河里出现大量死鱼", "池塘的水变成了红色", "水面漂满垃圾", "河水浑浊有异味"],
    "water.drinking": ["在水库保护区里养鸭", "往水源地附近倾倒垃圾", "在饮用水源保护区内违法建设", "水源地旁边有人洗车"],
    "air.industrial": ["烟囱冒出大量黑烟", "废气不经处理直接排放", "废气处理设施不开", "排放的废气有刺激性气味", "趁晚上没人的时候排放废气"],
    "air.odor": ["散发刺鼻的化学气味", "飘出很浓的臭味", "排出像烧塑料一样的气味", "有一股油漆和溶剂的味道", "传来发酵的酸臭味"],
    "air.dust": ["扬尘非常严重", "渣土车不盖篷布沿路撒漏", "堆场没有覆盖防尘网", "拆迁现场没有洒水降尘", "道路上尘土飞扬"],
    "air.burning": ["露天焚烧垃圾", "焚烧秸秆浓烟滚滚", "焚烧废旧轮胎和电线", "在空地上烧建筑垃圾"],
    "air.vehicle": ["大货车冒黑烟", "挖掘机尾气很重", "柴油车尾气超标", "非道路移动机械冒黑烟"],
    "noise.industrial": ["机器运转的噪声很大", "冲床整夜响个不停", "风机噪声扰民", "设备的轰鸣声吵得人睡不着"],
    "noise.construction": ["夜间施工噪声扰民", "半夜还在打桩", "凌晨浇筑混凝土", "使用高噪声设备切割钢筋", "周末也不停工"],
    "noise.social": ["音响开得很大", "广场舞音乐声音太响", "排风扇噪声扰民", "深夜还在喧哗", "高音喇叭循环播放广告"],
    "waste.solid": ["乱倒建筑垃圾", "倾倒不明固体废物", "堆放危险废物没有防护", "把工业固废埋在地下", "偷倒废机油桶"],
    "ecology": ["非法采砂", "破坏山体植被", "侵占湿地填土", "在河道里乱挖乱采", "砍伐防护林"],
    "radiation": ["距离住宅太近", "担心辐射超标影响健康", "没有任何警示标志", "放射源保管不规范"],
    "conduct.formalism": ["检查只拍照片不解决问题", "只做表面文章应付检查", "层层填表却不见整改"],
    "conduct.bureaucratism": ["态度恶劣互相推诿", "门难进脸难看事难办", "反映了多次一直踢皮球"],
    "conduct.hedonism": ["接受企业宴请", "工作时间打牌娱乐", "违规接受企业安排的旅游"],
    "conduct.extravagance": ["公车私用", "用公款吃喝", "办公室装修铺张浪费"],
    "conduct.misconduct": ["向企业索要好处", "故意刁难办事群众", "收受企业的购物卡"],
    "conduct.enforcement": ["选择性执法", "对有关系的企业睁一只眼闭一只眼", "以罚代管罚完了事"],
    "conduct.inaction": ["对举报不受理不处理", "问题拖了半年没有答复", "接到投诉从不到现场"],
    "suggestion": ["建议增加空气质量监测点", "建议公开企业排污数据", "建议在河道边设立公示牌", "建议夜间加强巡查",
                   "建议简化网上举报流程", "建议定期公布投诉办理情况"],
    "other": ["农田旁边有人喷洒农药", "养殖场的粪便随意堆放", "小作坊的油烟很大", "有人在河边洗涤化工桶"],
}
STEALTH = "趁夜间通过暗管偷排污水"
IMPACTS = ["家里老人和孩子出现咳嗽头晕的症状", "周边居民晚上根本睡不着", "窗户都不敢开", "严重影响了正常生活",
           "孩子上网课都受影响", "河里的鱼都死了", "庄稼也受到了影响", "衣服晾在外面都是灰", "晚上九点以后尤其严重",
           "附近有学校和幼儿园", "已经持续了很长时间", "很多居民都有意见", "气味大的时候让人恶心想吐"]
EXTRAS = ["我们已经向社区和街道反映过多次，但一直没有解决", "之前打过电话，来人看了一下就走了", "可以提供现场拍的照片和视频",
          "附近很多住户都可以作证", "听说这家企业以前也被处罚过", "怀疑企业晚上关掉了治理设施", "下雨的时候情况更严重",
          "白天看不出来，一到晚上就开始", "希望不要透露我的个人信息", "这个问题去年也出现过", "工作人员白天来检查的时候一切正常", "旁边就是居民区", "我们小区有两千多户居民",
          "怀疑企业在监测的时候才开启处理设备", "上次处理以后好了几天，现在又恢复原样", "周边的绿化带树叶都发黄了",
          "每次举报后都会收敛一段时间", "晚上开窗能明显闻到", "我家就住在三楼，离得很近"]
REQUESTS = ["希望环保部门尽快派人到现场检查", "请依法查处并公布处理结果", "希望能彻底解决这个问题", "请尽快处理并给我们一个答复",
            "希望夜间也能来检查一下", "请相关部门加强监管", "恳请领导重视", "希望能尽快答复处理情况"]

# ComplaintSearch's classes, for the characters this vocabulary uses (checked at start-up).
IDEOGRAPH_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def is_ideograph(ch):
    code = ord(ch)
    return unicodedata.category(ch) == "Lo" and any(lo <= code <= hi for lo, hi in IDEOGRAPH_RANGES)


def is_letter_or_digit(ch):
    category = unicodedata.category(ch)
    return category.startswith("L") or category == "Nd"


def lexemes_exact(*texts):
    """ComplaintSearch.Lexemes, character by character (slow; for checking and for odd text)."""
    out = set()
    for text in texts:
        if text is None:
            continue
        run, word = [], []

        def flush_run():
            for i in range(len(run) - 1):
                out.add(run[i] + run[i + 1])
            if run:
                out.add(run[-1])
            run.clear()

        def flush_word():
            if word:
                out.add("".join(word))
            word.clear()

        for ch in text:
            if is_ideograph(ch):
                flush_word()
                run.append(ch)
            elif is_letter_or_digit(ch):
                flush_run()
                if len("".join(word).encode("utf-16-le")) // 2 < 64:  # .NET counts UTF-16 units
                    word.append(ch.lower())
            else:
                flush_run()
                flush_word()
        flush_run()
        flush_word()
    return out


def vocabulary_characters():
    texts = [STEALTH] + TOWNSHIPS + ROADS + LANDMARKS + NAMES + WHEN + IMPACTS + EXTRAS + REQUESTS + ["号，。"]
    for group in (SUBJECTS, PROBLEMS):
        for phrases in group.values():
            texts += phrases
    return set("".join(texts)) | set("0123456789")


# The fast path, valid because every character of the vocabulary is an ideograph, an ASCII letter
# or digit, or one of a few punctuation marks (asserted below).
RUN = re.compile("[" + "".join(sorted(ch for ch in vocabulary_characters() if is_ideograph(ch))) + "]+")
WORD = re.compile("[A-Za-z0-9]+")
for ch in vocabulary_characters():
    assert is_ideograph(ch) or ch in "，。" or (ch.isascii() and ch.isalnum()), f"unexpected character {ch!r}"


def lexemes_fast(*texts):
    out = set()
    for text in texts:
        for run in RUN.findall(text):
            out.update(map(str.__add__, run[:-1], run[1:]))
            out.add(run[-1])
        out.update(map(str.lower, WORD.findall(text)))
    return out


@functools.lru_cache(maxsize=None)
def place_lexemes(place):
    return lexemes_fast(place)


def tsvector_text(lexemes):
    # tsvector input syntax (PostgreSQL sorts and deduplicates, as array_to_tsvector does); no
    # lexeme of this vocabulary contains a quote or a backslash.
    return "'" + "' '".join(lexemes) + "'"


@functools.lru_cache(maxsize=None)
def add_working_days(day, count):
    """Weekends only: the bureau's holidays matter little for the shape of the data."""
    while count > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # the tracking-code alphabet (CHECK in 0001)


QUADS = ["".join(chars) for chars in itertools.product(ALPHABET, repeat=4)]


def tracking_code(n):
    # A bijection of 0..31^12-1 (multiplying by a number coprime to 31), so codes are unique.
    value = (n * 488_552_094_861_239_813) % (31 ** 12)
    high, low = divmod(value, 31 ** 4)
    high, middle = divmod(high, 31 ** 4)
    return QUADS[high] + QUADS[middle] + QUADS[low]


def copy_escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def description(rng, code):
    group = code.split(".")[0]
    problems = PROBLEMS[code]
    # The word the search benchmark looks for, in about 1% of all cases (an eighth of the
    # industrial-discharge cases; no other phrase of the vocabulary contains it).
    problem = STEALTH if code == "water.industrial" and rng.random() < 0.125 else rng.choice(problems)
    parts = [rng.choice(WHEN), "，", rng.choice(TOWNSHIPS), rng.choice(ROADS), rng.choice(LANDMARKS),
             "的" if rng.random() < 0.5 else "", rng.choice(SUBJECTS[group]), problem]
    if rng.random() < 0.6:
        parts += ["，", rng.choice(problems)]
    parts += ["，", rng.choice(IMPACTS), "。"]
    if rng.random() < 0.3:
        parts += [rng.choice(IMPACTS), "，"]
    for _ in range(min(1 + int(rng.expovariate(0.6)), 8)):
        parts += [rng.choice(EXTRAS), "。" if rng.random() < 0.6 else "，"]
    parts += [rng.choice(REQUESTS), "。"]
    return "".join(parts)


def complaints(first, last, rows, now, events_path):
    rng = random.Random(first)
    codes = list(CATEGORIES)
    cumulative = list(itertools.accumulate(CATEGORIES[c][3] for c in codes))
    channels, channel_weights = ["web", "phone", "letter", "visit"], [80, 92, 95, 100]
    # Descriptions (and their lexemes) are drawn from a pool that grows to 50,000 per generator,
    # so each is used about ten times in a million cases: the text is the slow part to generate,
    # and repeats change neither the length nor how often a word occurs.
    pool = {code: [] for code in codes}
    pool_size = {code: max(20, int(50_000 * CATEGORIES[code][3] / cumulative[-1])) for code in codes}
    bureau = dt.timezone(dt.timedelta(hours=8))
    today = now.astimezone(bureau).date()
    span = 730 * 86400
    out = sys.stdout
    events = open(events_path, "w", encoding="utf-8")
    buffer, event_buffer = [], []
    # Ids follow submission time: 1 is two years ago, ROWS is now.
    for n in range(first, last + 1):
        ago = span * (1 - n / rows) + rng.random() * 60
        submitted = now - dt.timedelta(seconds=ago)
        hour = submitted.astimezone(bureau).hour
        if hour < 7 and rng.random() < 0.7:  # fewer by night: move to the afternoon
            submitted += dt.timedelta(hours=12)
            if submitted > now:
                submitted -= dt.timedelta(hours=24)
        age_days = (now - submitted).total_seconds() / 86400
        code = codes[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        section, accept_days, resolve_days, _ = CATEGORIES[code]
        if section != "discipline" and rng.random() < REROUTED:
            section = rng.choice(OTHER_SECTIONS)
        township = rng.choice(TOWNSHIPS)
        address = f"{rng.choice(ROADS)}{rng.randint(1, 300)}号"
        if len(pool[code]) < pool_size[code]:
            text = description(rng, code)
            pool[code].append((text, lexemes_fast(text)))
        text, text_lexemes = rng.choice(pool[code])
        channel = channels[bisect.bisect(channel_weights, rng.random() * 100)]
        has_contact = rng.random() < 0.7

        # About 25% open: young cases mostly open, old ones mostly decided and closed.
        p_open = 0.05 + 0.9 * 2.718281828 ** (-age_days / 160)
        day = submitted.astimezone(bureau).date()
        accept_by = add_working_days(day, accept_days)
        resolve_by = decided = resolved = first_resolved = merged_into = extension = None
        evaluated = solved = satisfaction = reviewed = closed = None
        if rng.random() < p_open:
            status = "submitted" if age_days < 2 or rng.random() < 0.2 else rng.choice(["accepted", "in_progress", "in_progress"])
        else:
            status = rng.choices(["closed", "rejected", "merged"], [82, 12, 6])[0]
            if status == "merged" and n < 10:
                status = "closed"
        if status != "submitted":
            decided = submitted + dt.timedelta(hours=rng.uniform(1, 60))
            if decided > now:
                decided = now
        if status in ("accepted", "in_progress", "closed"):
            resolve_by = add_working_days(decided.astimezone(bureau).date(), resolve_days)
            if rng.random() < 0.03:
                extension = rng.randint(5, 30)
                resolve_by = add_working_days(resolve_by, extension)
        if status == "closed":
            # The follow-up as the API records it: the citizen evaluates within 15 days of the
            # result (which closes the case), or AutoClose closes it when the window has passed;
            # a dissatisfied citizen may ask for a review, which reopens the case until it is
            # resolved again (the evaluation stays).
            resolved = decided + dt.timedelta(days=rng.uniform(1, 25))
            if resolved > now:
                resolved = now
            if rng.random() < 0.55:
                evaluated = resolved + dt.timedelta(days=rng.uniform(0.05, 14))
                if evaluated <= now:
                    solved = rng.choices(["yes", "partly", "no"], [72, 16, 12])[0]
                    satisfaction = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"],
                                               {"yes": [78, 18, 4], "partly": [30, 50, 20], "no": [5, 25, 70]}[solved])[0]
                    closed = evaluated
                    if satisfaction == "dissatisfied" and rng.random() < 0.35:
                        reviewed = evaluated + dt.timedelta(days=rng.uniform(0.05, 5))
                        if reviewed > now:
                            reviewed = None
                else:
                    evaluated = None
            first_resolved = resolved
            if reviewed:
                resolve_by = add_working_days(reviewed.astimezone(bureau).date(), resolve_days)
                resolved = reviewed + dt.timedelta(days=rng.uniform(2, 20))
                closed = None
                if resolved > now:
                    resolved, status = None, "in_progress"
            if resolved and not closed:
                closed = resolved + dt.timedelta(days=15)
                if closed > now:
                    closed, status = None, "resolved"
        if status == "merged":
            merged_into = max(1, n - rng.randint(1, 5000))
        due_on = accept_by if status in ("submitted", "rejected", "merged") else resolve_by
        updated = max(t for t in (submitted, decided, resolved, evaluated, reviewed, closed) if t)
        supports = min(int(rng.expovariate(1.2)), 30) if rng.random() < 0.12 else 0
        # A map pin on a third of the web submissions, near the township's centre.
        pin = None
        if channel == "web" and rng.random() < 0.35:
            centre = TOWNSHIP_CENTRES[township]
            pin = (round(centre[0] + rng.gauss(0, 0.01), 6), round(centre[1] + rng.gauss(0, 0.01), 6))

        # The timeline, as the API writes it: (type, visibility, actor kind, message, data, instant).
        actor = "citizen" if channel == "web" else "staff"
        timeline = [("submitted", "public", actor, None, f'{{"channel": "{channel}", "sectionCode": "{section}"}}', submitted),
                    ("routed", "internal", "system", None, f'{{"basis": "category", "sectionCode": "{section}"}}', submitted)]
        if status == "rejected":
            timeline.append(("rejected", "public", "staff", "不属于本局职责范围", '{"referral": "请向属地乡镇人民政府反映"}', decided))
        elif status == "merged":
            timeline.append(("merged", "public", "staff", "与已受理的投诉重复", f'{{"originalTrackingCode": "{tracking_code(merged_into)}"}}', decided))
        elif decided:
            timeline.append(("accepted", "public", "staff", None, f'{{"resolveBy": "{resolve_by.isoformat()}"}}', decided))
            # Staff at work on the case: an internal note or a reply to the citizen, now and then.
            for _ in range(rng.choices([0, 1, 2], [75, 22, 3])[0]):
                at = decided + dt.timedelta(hours=rng.uniform(1, 72))
                if at < now:
                    timeline.append(rng.choice([("note", "internal", "staff", "已联系企业负责人，约定现场检查时间", "{}", at),
                                                ("reply", "public", "staff", "已安排执法人员到现场核查，请耐心等待", "{}", at)]))
            if extension:
                at = min(decided + dt.timedelta(days=rng.uniform(1, 5)), now)
                timeline += [("extension_requested", "internal", "staff", "需要委托监测机构取样检测", f'{{"days": {extension}}}', at),
                             ("extension_approved", "internal", "staff", None, f'{{"days": {extension}}}', at)]
        if status not in ("submitted", "rejected", "merged") and first_resolved:
            timeline.append(("resolved", "public", "staff", "经现场检查，已责令整改并依法处理。", "{}", first_resolved))
        if evaluated:
            timeline += [("evaluated", "public", "citizen", None, f'{{"solved": "{solved}", "satisfaction": "{satisfaction}"}}', evaluated),
                         ("closed", "public", "system", None, '{"reason": "evaluated"}', evaluated)]
        if reviewed:
            timeline.append(("review_requested", "public", "citizen", "问题没有解决，请重新处理", f'{{"resolveBy": "{resolve_by.isoformat()}"}}', reviewed))
            if resolved:
                timeline.append(("resolved", "public", "staff", "复查后已再次责令整改。", "{}", resolved))
        if closed and closed != evaluated:
            timeline.append(("closed", "public", "system", None, '{"reason": "evaluation_window_passed"}', closed))
        reminded_for = None
        if status in ("submitted", "accepted", "in_progress") and due_on < today:
            # 督办, as OverdueReminders records it, with the case's bookkeeping of migration 0008
            # (so its first round finds nothing left to do).
            reminded_for = due_on
            deadline = "accept" if status == "submitted" else "resolve"
            timeline.append(("reminder", "internal", "system", None, f'{{"deadline": "{deadline}", "due": "{due_on.isoformat()}", "sectionCode": "{section}"}}',
                             dt.datetime.combine(add_working_days(due_on, 1), dt.time(1), dt.timezone.utc)))
        version = 1 + sum(e[0] not in ("submitted", "routed", "note", "reply", "reminder") for e in timeline)

        fields = [
            str(n), tracking_code(n), f"v1${rng.getrandbits(128):032x}${rng.getrandbits(256):064x}", code, copy_escape(text),
            township, address,
            rng.choice(NAMES) if has_contact else "\\N",
            f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}" if has_contact else "\\N",
            channel, status, section, submitted.isoformat(), accept_by.isoformat(), updated.isoformat(), str(version),
            resolve_by.isoformat() if resolve_by else "\\N", due_on.isoformat(),
            decided.isoformat() if decided else "\\N", resolved.isoformat() if resolved else "\\N",
            "approved" if extension else "\\N", str(extension) if extension else "\\N",
            "需要委托监测机构取样检测" if extension else "\\N",
            str(merged_into) if merged_into else "\\N",
            tsvector_text(text_lexemes | place_lexemes(address) | place_lexemes(township)),
            str(pin[0]) if pin else "\\N", str(pin[1]) if pin else "\\N", str(supports),
            solved or "\\N", satisfaction or "\\N", evaluated.isoformat() if evaluated else "\\N",
            reviewed.isoformat() if reviewed else "\\N", closed.isoformat() if closed else "\\N",
            reminded_for.isoformat() if reminded_for else "\\N",
        ]
        buffer.append("\t".join(fields))
        for kind, visibility, actor_kind, message, data, at in timeline:
            event_buffer.append(f"{n}\t{kind}\t{visibility}\t{actor_kind}\t\\N\t{message or chr(92) + 'N'}\t{data}\t{at.isoformat()}")
        if len(buffer) >= 5000:
            out.write("\n".join(buffer) + "\n")
            events.write("\n".join(event_buffer) + "\n")
            buffer.clear()
            event_buffer.clear()
    if buffer:
        out.write("\n".join(buffer) + "\n")
    if event_buffer:
        events.write("\n".join(event_buffer) + "\n")
    events.close()


COMPLAINT_COLUMNS = ("id, tracking_code, query_password_hash, category_code, description, township, address, contact_name, "
                     "contact_phone, channel, status, section_code, submitted_at, accept_by, updated_at, version, resolve_by, "
                     "due_on, decided_at, resolved_at, extension_status, extension_days, extension_reason, merged_into_id, search_vector, "
                     "latitude, longitude, support_count, evaluation_solved, evaluation_satisfaction, evaluated_at, "
                     "review_requested_at, closed_at, reminded_for")
EVENT_COLUMNS = "complaint_id, type, visibility, actor_kind, actor_id, message, data, occurred_at"

if __name__ == "__main__":
    verb = sys.argv[1] if len(sys.argv) > 1 else ""
    if verb == "complaints":
        first, last, total = map(int, sys.argv[2:5])
        complaints(first, last, total, dt.datetime.fromisoformat(sys.argv[5]).astimezone(dt.timezone.utc), sys.argv[6])
    elif verb == "columns":
        print(COMPLAINT_COLUMNS if sys.argv[2] == "complaints" else EVENT_COLUMNS)
    elif verb == "lexemes":
        exact = lexemes_exact(*sys.argv[2:])
        print("\n".join(sorted(exact)))
    elif verb == "check":  # the fast path agrees with the exact one on generated text
        rng = random.Random(1)
        for code in CATEGORIES:
            for _ in range(200):
                text = description(rng, code)
                assert lexemes_fast(text, "城东路88号", "剡湖街道") == lexemes_exact(text, "城东路88号", "剡湖街道"), text
        print("ok")
    else:
        sys.exit(__doc__)
