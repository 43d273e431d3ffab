"""Words the generated articles are made of: per-topic vocabularies (English and Russian),
sentence and title templates, photo credits, and the time-bound "event" phrases.

Each topic has its own distinctive noun phrases so that TF-IDF similarity has real signal;
event phrases appear only inside their months so that term trends have something to find.
Russian phrases are all nominative singular and the Russian templates only use verb forms
that do not agree in gender, so any phrase fits any slot grammatically.
"""

from __future__ import annotations

CATEGORIES = ("international-relations", "domestic-policy", "economy", "security", "society")

SECTION_NAMES = {
    "en": {
        "international-relations": "International relations",
        "domestic-policy": "Domestic policy",
        "economy": "Economy",
        "security": "Security",
        "society": "Society",
    },
    "ru": {
        "international-relations": "Международные отношения",
        "domestic-policy": "Внутренняя политика",
        "economy": "Экономика",
        "security": "Безопасность",
        "society": "Общество",
    },
}

# Distinctive noun phrases per topic.
TOPIC_PHRASES = {
    "international-relations": {
        "en": [
            "the relationship with the European Union", "the normalisation of relations with the West",
            "the Eastern Partnership", "the visa facilitation process", "the readmission agreement",
            "the dialogue with Washington", "the return of the US ambassador", "cooperation with China",
            "the Great Stone industrial park", "the Belarusian-Lithuanian agenda",
            "the Astravets nuclear plant dispute", "the policy towards Ukraine", "the Minsk peace process",
            "the Normandy format", "the OSCE Parliamentary Assembly", "the Council of Europe",
            "the diplomatic channel to Brussels", "cross-border cooperation with Poland",
            "the Eurasian Economic Union summit", "the multi-vector foreign policy",
            "the regional strategy of the Foreign Ministry", "the policy towards the Baltic states",
            "the EU sanctions regime", "the human rights dialogue with the EU",
            "consular cooperation", "the mediation role of Minsk", "trade diplomacy in Africa and Asia",
            "the Union State agenda", "the Chinese credit line", "the foreign policy doctrine",
        ],
        "ru": [
            "нормализация отношений с Западом", "политика Восточного партнёрства",
            "визовая либерализация", "соглашение о реадмиссии", "диалог с Вашингтоном",
            "возвращение американского посла", "сотрудничество с Китаем",
            "индустриальный парк «Великий камень»", "белорусско-литовская повестка",
            "проблема Островецкой АЭС", "политика в отношении Украины", "минская переговорная площадка",
            "нормандский формат", "Парламентская ассамблея ОБСЕ", "позиция Совета Европы",
            "дипломатический контакт с Брюсселем", "приграничное сотрудничество с Польшей",
            "саммит Евразийского экономического союза", "многовекторная внешняя политика",
            "региональная стратегия МИД", "политика в отношении стран Балтии",
            "санкционная политика ЕС", "правозащитный диалог с ЕС", "консульское сотрудничество",
            "посредническая роль Минска", "торговая дипломатия в Африке и Азии",
            "повестка Союзного государства", "китайская кредитная линия", "внешнеполитическая доктрина",
        ],
    },
    "domestic-policy": {
        "en": [
            "the presidential administration", "the Central Election Commission",
            "the registration of political parties", "constitutional reform", "the nomenclature reshuffle",
            "the corps of regional governors", "the administrative liability of protesters",
            "the Interior Ministry", "the independent trade union movement", "the Belarusian Popular Front",
            "the United Civil Party", "the Tell the Truth campaign", "the state ideology apparatus",
            "the government reshuffle", "the law on mass events", "the practice of preventive detention",
            "the dialogue with civil society", "the public advisory council",
            "the youth policy of the authorities", "the system of local councils", "the electoral code",
            "the media law amendment", "the personnel policy of the head of state",
            "the anti-corruption campaign", "the street activity of the opposition",
            "the parliamentary opposition", "the vertical of power", "the loyalty of the bureaucracy",
        ],
        "ru": [
            "администрация президента", "Центральная избирательная комиссия",
            "регистрация политических партий", "конституционная реформа", "кадровая ротация",
            "губернаторский корпус", "административная ответственность протестующих",
            "Министерство внутренних дел", "независимое профсоюзное движение", "Партия БНФ",
            "Объединённая гражданская партия", "кампания «Говори правду»", "идеологическая вертикаль",
            "перестановка в правительстве", "закон о массовых мероприятиях", "превентивное задержание",
            "диалог с гражданским обществом", "общественно-консультативный совет",
            "молодёжная политика властей", "система местных Советов", "избирательный кодекс",
            "поправка к закону о СМИ", "кадровая политика главы государства",
            "антикоррупционная кампания", "уличная активность оппозиции",
            "парламентская оппозиция", "вертикаль власти", "лояльность бюрократии",
        ],
    },
    "economy": {
        "en": [
            "GDP growth", "the refinancing rate", "the Belarusian rouble exchange rate",
            "the monetary policy of the National Bank", "the level of foreign exchange reserves",
            "the external public debt", "the supply of Russian oil", "the potash export revenue", "the oil refining sector",
            "the state-owned sector", "the share of loss-making companies", "the average wage",
            "inflation targeting", "the budget deficit", "the EFSD loan", "the IMF programme",
            "the privatisation agenda", "the High-Tech Park", "the agro-industrial complex",
            "the dairy trade with Russia", "the construction sector", "the bad loan problem of state banks",
            "the tax burden on small businesses", "the single tax for sole proprietors",
            "foreign direct investment", "the trade balance", "the timber industry modernisation",
            "the petrochemical margin", "the gas price formula", "the Belaruskali output",
        ],
        "ru": [
            "рост ВВП", "ставка рефинансирования", "курс белорусского рубля",
            "денежно-кредитная политика Нацбанка", "золотовалютный резерв",
            "внешний государственный долг", "поставка российской нефти", "калийный экспорт",
            "нефтеперерабатывающая отрасль", "государственный сектор", "убыточность предприятий",
            "средняя зарплата", "инфляционное таргетирование", "дефицит бюджета", "кредит ЕФСР",
            "программа МВФ", "приватизационная повестка", "Парк высоких технологий",
            "агропромышленный комплекс", "молочный экспорт в Россию", "строительная отрасль",
            "проблемная задолженность госбанков", "налоговая нагрузка на малый бизнес",
            "единый налог для индивидуальных предпринимателей",
            "приток прямых иностранных инвестиций", "торговый баланс", "модернизация деревообработки",
            "нефтехимическая маржа", "формула цены на газ", "выпуск «Беларуськалия»",
        ],
    },
    "security": {
        "en": [
            "military-technical cooperation", "the regional group of forces", "the air defence system",
            "the Russian airbase issue", "the Polonez multiple rocket launcher",
            "the modernisation of the Armed Forces", "the Defence Ministry", "the military doctrine",
            "territorial defence", "the State Border Committee", "the State Authority for Military Industry",
            "the arms export policy", "the Collective Security Treaty Organisation",
            "the joint regional air defence system", "the military-industrial complex", "the General Staff",
            "the mobilisation reserve", "NATO activity near the border", "the military budget",
            "the special operations command", "the hybrid warfare threat", "information security",
            "KGB counterintelligence", "the national security concept", "the snap combat readiness inspection",
            "the procurement of Su-30SM fighters", "the Tor-M2 missile system purchase",
            "armoured vehicle production", "the military police service",
        ],
        "ru": [
            "военно-техническое сотрудничество", "региональная группировка войск",
            "система противовоздушной обороны", "вопрос о российской авиабазе", "РСЗО «Полонез»",
            "модернизация Вооружённых сил", "Министерство обороны", "военная доктрина",
            "территориальная оборона", "Государственный пограничный комитет", "Госкомвоенпром",
            "экспорт вооружений", "Организация Договора о коллективной безопасности",
            "единая региональная система ПВО", "военно-промышленный комплекс", "Генеральный штаб",
            "мобилизационный резерв", "активность НАТО у границы", "военный бюджет",
            "Силы специальных операций", "угроза гибридной войны", "информационная безопасность",
            "контрразведка КГБ", "Концепция национальной безопасности",
            "внезапная проверка боеготовности", "закупка истребителей Су-30СМ",
            "зенитный ракетный комплекс «Тор-М2»", "производство бронетехники", "военная милиция",
        ],
    },
    "society": {
        "en": [
            "public opinion", "the emigration of young specialists", "the Belarusian language",
            "the education reform", "the healthcare system", "the pension age increase",
            "the housing construction programme", "the independent press", "internet penetration",
            "the IT community", "the civil society sector", "the Orthodox Church",
            "the Catholic community", "the national identity", "the historical memory debate",
            "the Kurapaty memorial", "the social contract", "the quality of public services",
            "the demographic situation", "labour migration to Russia", "the volunteer movement",
            "crowdfunding", "urban activism", "the university ranking", "the Bologna process",
            "public trust in institutions", "the poverty level", "regional inequality",
            "the cultural heritage", "sports diplomacy",
        ],
        "ru": [
            "общественное мнение", "эмиграция молодых специалистов", "белорусский язык",
            "реформа образования", "система здравоохранения", "повышение пенсионного возраста",
            "программа жилищного строительства", "независимая пресса", "интернет-аудитория",
            "IT-сообщество", "гражданское общество", "Православная церковь", "католическая община",
            "национальная идентичность", "дискуссия об исторической памяти", "мемориал в Куропатах",
            "общественный договор", "качество государственных услуг", "демографическая ситуация",
            "трудовая миграция в Россию", "волонтёрское движение", "краудфандинговая инициатива",
            "городской активизм", "рейтинг университетов", "Болонский процесс",
            "доверие к институтам", "уровень бедности", "региональное неравенство",
            "культурное наследие", "спортивная дипломатия",
        ],
    },
}

# Who acts in a sentence: a few shared actors plus topic ones (nominative singular in Russian).
SHARED_ACTORS = {
    "en": ["official Minsk", "President Lukashenka", "the government", "the expert community"],
    "ru": ["официальный Минск", "Александр Лукашенко", "правительство", "независимый эксперт"],
}
TOPIC_ACTORS = {
    "international-relations": {
        "en": ["the Foreign Ministry", "the European Union", "the Kremlin", "the US State Department"],
        "ru": ["Министерство иностранных дел", "Европейский союз", "Кремль", "Госдепартамент США"],
    },
    "domestic-policy": {
        "en": ["the presidential administration", "the opposition", "the Interior Ministry", "the parliament"],
        "ru": ["администрация президента", "оппозиция", "МВД", "парламент"],
    },
    "economy": {
        "en": ["the National Bank", "the Finance Ministry", "the Economy Ministry", "the IMF mission"],
        "ru": ["Национальный банк", "Министерство финансов", "Министерство экономики", "миссия МВФ"],
    },
    "security": {
        "en": ["the Defence Ministry", "the Security Council", "the General Staff", "the KGB"],
        "ru": ["Министерство обороны", "Совет безопасности", "Генеральный штаб", "КГБ"],
    },
    "society": {
        "en": ["the Education Ministry", "civil society", "the Health Ministry", "the Orthodox Church"],
        "ru": ["Министерство образования", "гражданское общество", "Министерство здравоохранения",
               "Православная церковь"],
    },
}

# Partners: English name; Russian nominative, instrumental and genitive forms.
PARTNERS = {
    "en": ["Moscow", "Brussels", "Kyiv", "Beijing", "Warsaw", "Vilnius", "Washington"],
    "ru_nom": ["Москва", "Брюссель", "Киев", "Пекин", "Варшава", "Вильнюс", "Вашингтон"],
    "ru_ins": ["Москвой", "Брюсселем", "Киевом", "Пекином", "Варшавой", "Вильнюсом", "Вашингтоном"],
    "ru_gen": ["Москвы", "Брюсселя", "Киева", "Пекина", "Варшавы", "Вильнюса", "Вашингтона"],
}

PERIODS = {
    "en": ["over the past year", "in the first half of the year", "since the beginning of the year",
           "over the past month", "in the previous quarter"],
    "ru": ["на протяжении последнего года", "в первом полугодии", "с начала года",
           "в течение последнего месяца", "в предыдущем квартале"],
}

# Slots: {A} actor, {X} {Y} topic phrases, {P} partner (ru: {Pi} instrumental, {Pg} genitive),
# {T} period, {N} a percentage.
SENTENCES = {
    "en": [
        "{A} has again drawn attention to {X}.",
        "The debate over {X} reflects a broader shift in the approach of the authorities.",
        "Observers note that {X} remains closely linked to {Y}.",
        "In the short term, {X} is unlikely to change significantly.",
        "Minsk is likely to keep balancing between {X} and {Y}.",
        "According to official data, the relevant indicator changed by {N} per cent {T}.",
        "Meanwhile, {A} insisted that {X} should be addressed without delay.",
        "This is not the first time that {X} has come to the fore.",
        "For the Belarusian authorities, {X} is both an economic and a political issue.",
        "{X} is likely to remain on the agenda of talks with {P}.",
        "At the same time, {X} does not resolve the accumulated problems.",
        "Experts suggest that {X} could become a bargaining chip in relations with {P}.",
        "The authorities have so far avoided drastic decisions regarding {X}.",
        "{A} is expected to clarify the official position on {X} in the coming weeks.",
        "As a result, {X} and {Y} have become closely interconnected.",
        "Apparently, the decision was driven primarily by {X}.",
        "Nevertheless, the practical effect of {X} remains limited.",
        "The situation around {X} is unlikely to stabilise without a decision at the highest level.",
        "Previously, {A} paid little attention to {X}.",
        "It is noteworthy that {X} has been discussed repeatedly {T}.",
        "Such an approach allows Minsk to preserve room for manoeuvre on {X}.",
        "However, the lack of resources constrains {X}.",
        "In addition, {X} has prompted a reaction from {P}.",
        "Most likely, {X} will continue to shape the decisions on {Y}.",
    ],
    "ru": [
        "{A} вновь обращает внимание на тему «{X}».",
        "Дискуссия вокруг темы «{X}» отражает более широкий сдвиг в подходах властей.",
        "По мнению наблюдателей, {X} по-прежнему зависит от того, как будет развиваться тема «{Y}».",
        "В краткосрочной перспективе {X} вряд ли претерпит существенные изменения.",
        "Минск и дальше будет балансировать, и {X} остаётся частью этого баланса.",
        "По официальным данным, соответствующий показатель изменился на {N}% {T}.",
        "Тем временем {A} настаивает, что {X} требует безотлагательного решения.",
        "Уже не в первый раз {X} выходит на первый план.",
        "Для белорусских властей {X} — вопрос не только экономический, но и политический.",
        "{X} и дальше будет оставаться в повестке переговоров с {Pi}.",
        "Вместе с тем {X} не решает накопившихся проблем.",
        "Эксперты не исключают, что {X} станет предметом торга с {Pi}.",
        "Пока власти избегают резких решений, и {X} остаётся без изменений.",
        "В ближайшие недели {A} может уточнить свою позицию по теме «{X}».",
        "В результате {X} и тема «{Y}» оказываются тесно взаимосвязаны.",
        "По всей видимости, решающим фактором здесь является {X}.",
        "Тем не менее практический эффект ограничен, а {X} остаётся скорее декларацией.",
        "Ситуация вокруг темы «{X}» вряд ли стабилизируется без решения на высшем уровне.",
        "Ранее этой теме уделялось мало внимания, однако сейчас {X} привлекает всё больше интереса.",
        "Примечательно, что {X} неоднократно обсуждается {T}.",
        "Такой подход позволяет Минску сохранять пространство для манёвра, пока {X} остаётся открытым вопросом.",
        "Однако нехватка ресурсов ограничивает то, что может дать {X}.",
        "Кроме того, {X} вызывает реакцию со стороны {Pg}.",
        "Скорее всего, {X} продолжит влиять на решения, связанные с темой «{Y}».",
    ],
}

TITLES = {
    "en": [
        "{X}: {O}", "Minsk seeks to rethink {X}", "{A} signals shift on {X}", "Why {X} matters for Minsk",
        "Belarus and {P} discuss {X}", "In focus: {X}", "New twist in {X}",
        "Authorities reconsider {X}", "{X} and the limits of manoeuvre", "What {X} means for Belarus",
    ],
    "ru": [
        "{X}: {O}", "{X} остаётся в центре внимания", "{X} и пределы манёвра",
        "Что означает {X} для Беларуси", "{A}: {X} остаётся приоритетом", "Новый поворот: {X}",
        "Минск и {Pn} обсуждают тему «{X}»",
    ],
}
TITLE_OUTCOMES = {
    "en": ["no quick results expected", "Minsk tests new approaches", "room for manoeuvre narrows",
           "a pause rather than a turn", "pragmatism prevails", "signals of change",
           "old problems, new risks", "the status quo holds"],
    "ru": ["быстрых результатов ждать не стоит", "Минск пробует новые подходы",
           "пространство для манёвра сужается", "пауза, а не разворот", "прагматизм побеждает",
           "сигналы перемен", "старые проблемы, новые риски", "статус-кво сохраняется"],
}

# (first month, last month, category, English phrase, Russian phrase): phrases that dominate
# their topic for a while, so month-over-month term trends have a real signal.
EVENTS = (
    ("2016-06", "2017-04", "economy", "the oil and gas dispute", "нефтегазовый спор"),
    ("2017-09", "2018-06", "economy", "the Eurobond placement", "размещение еврооблигаций"),
    ("2016-08", "2016-10", "domestic-policy", "the parliamentary campaign", "парламентская кампания"),
    ("2017-01", "2017-05", "domestic-policy", "the decree on social parasites", "декрет о тунеядцах"),
    ("2017-12", "2018-03", "domestic-policy", "the local elections campaign",
     "кампания по выборам в местные Советы"),
    ("2017-07", "2017-10", "security", "the Zapad-2017 exercise", "проведение учений «Запад-2017»"),
    ("2016-10", "2017-03", "international-relations", "the visa-free regime for short trips",
     "безвизовый режим для краткосрочных поездок"),
    ("2018-01", "2018-06", "international-relations", "the EU partnership priorities document",
     "согласование приоритетов партнёрства с ЕС"),
    ("2017-02", "2017-04", "society", "the Kurapaty construction protest",
     "протест против стройки в Куропатах"),
    ("2018-03", "2018-04", "society", "the centenary of the Belarusian People's Republic", "столетие БНР"),
)

# Photo credits: most English pages say "Photo: X", some (like the seed page) "Фото: X".
CREDITS_EN = ["BelTA", "TUT.BY", "Reuters", "naviny.by", "president.gov.by", "European Parliament",
              "Sergei Gapon/AFP", "mil.by", "Nasha Niva", "Euroradio"]
CREDITS_RU = ["БелТА", "Министерство обороны Республики Беларусь",
              "Министерство иностранных дел Республики Беларусь", "TUT.BY", "Наша Ніва", "Еврорадио",
              "Пресс-служба президента Республики Беларусь", "Белстат", "RFRM"]

# Belarusian: kept in its own module, merged into the per-language tables here.
from warehouse.demo_site.vocabulary_be import (  # noqa: E402
    CREDITS_BE, EVENTS_BE, PARTNERS_BE, PERIODS_BE, SECTION_NAMES_BE, SENTENCES_BE, SHARED_ACTORS_BE,
    TITLE_OUTCOMES_BE, TITLES_BE, TOPIC_ACTORS_BE, TOPIC_PHRASES_BE,
)

SECTION_NAMES["be"] = SECTION_NAMES_BE
for _category, _phrases in TOPIC_PHRASES_BE.items():
    TOPIC_PHRASES[_category]["be"] = _phrases
    TOPIC_ACTORS[_category]["be"] = TOPIC_ACTORS_BE[_category]
SHARED_ACTORS["be"] = SHARED_ACTORS_BE
PARTNERS.update(PARTNERS_BE)
PERIODS["be"] = PERIODS_BE
SENTENCES["be"] = SENTENCES_BE
TITLES["be"] = TITLES_BE
TITLE_OUTCOMES["be"] = TITLE_OUTCOMES_BE
__all__ = ["CATEGORIES", "CREDITS_BE", "CREDITS_EN", "CREDITS_RU", "EVENTS", "EVENTS_BE", "PARTNERS",
           "PERIODS", "SECTION_NAMES", "SENTENCES", "SHARED_ACTORS", "TITLES", "TITLE_OUTCOMES",
           "TOPIC_ACTORS", "TOPIC_PHRASES"]
