"""Russian and English: the browser's Accept-Language chooses, the switch (a cookie) wins.

Strings are written in English in the templates and code (`t("Calls")`); `RU` gives their
Russian. A test checks that every string the templates and the console's code ask for has
its Russian here, so a page is never half translated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import Request

Lang = Literal["en", "ru"]
LANG_COOKIE = "vb_lang"
LANGS: tuple[Lang, ...] = ("ru", "en")


def _accept(header: str) -> Lang:
    """The one of ru/en the browser ranks highest (q-values, then order); else English."""
    best: Lang = "en"
    best_q = 0.0
    for part in header.split(",")[:20]:
        name, _, params = part.strip().partition(";")
        base = name.strip().lower().split("-")[0]
        q = 1.0
        key, _, value = params.strip().partition("=")
        if key.strip() == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
        if q > best_q and base in ("ru", "en"):
            best, best_q = ("ru" if base == "ru" else "en"), q
    return best


def choose(request: Request) -> Lang:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen == "ru":
        return "ru"
    if chosen == "en":
        return "en"
    return _accept(request.headers.get("accept-language", "")[:500])


def translator(lang: Lang) -> Callable[..., str]:
    def t(text: str, **values: Any) -> str:
        out = RU.get(text, text) if lang == "ru" else text
        return out.format(**values) if values else out

    return t


RU: dict[str, str] = {
    # navigation and frame
    "voicebot console": "консоль voicebot",
    "Skip to content": "Перейти к содержимому",
    "Main": "Главное меню",
    "Calls": "Звонки",
    "Scripts": "Сценарии",
    "Campaigns": "Кампании",
    "Deliveries": "Доставка",
    "Inbound routes": "Входящие маршруты",
    "API keys": "Ключи API",
    "Sign out": "Выйти",
    "Language": "Язык",
    "Tenant": "Клиент",
    # sign-in
    "Sign in": "Вход",
    "API key": "Ключ API",
    "Sign in with an API key of your account (from `voicebot keys create` or `voicebot "
    "tenants create`).": "Войдите с ключом API вашей учётной записи (его выдают "
    "`voicebot keys create` и `voicebot tenants create`).",
    "That key is not valid.": "Этот ключ недействителен.",
    "Too many failed attempts; try again in {seconds} s.":
        "Слишком много неудачных попыток; повторите через {seconds} с.",
    "Your session has ended.": "Сеанс завершён.",
    "The form has expired; reload the page.": "Форма устарела; обновите страницу.",
    "The request is not valid.": "Запрос неверен.",
    # errors
    "Error": "Ошибка",
    "Not found": "Не найдено",
    "Back to calls": "Вернуться к звонкам",
    # calls list
    "Filters": "Фильтры",
    "Status": "Статус",
    "Direction": "Направление",
    "Outcome": "Итог",
    "Phone": "Телефон",
    "From date": "С даты",
    "To date": "По дату",
    "Campaign": "Кампания",
    "Apply": "Применить",
    "Reset": "Сбросить",
    "any": "любой",
    "inbound": "входящий",
    "outbound": "исходящий",
    "queued": "в очереди",
    "ringing": "вызов",
    "in_progress": "идёт",
    "completed": "завершён",
    "failed": "не удался",
    "cancelled": "отменён",
    "Created": "Создан",
    "To": "Кому",
    "From": "От кого",
    "Call": "Звонок",
    "No calls match.": "Звонков не найдено.",
    "Newest": "Новые",
    "Older": "Более ранние",
    "Pages": "Страницы",
    "Calls, newest first": "Звонки, сначала новые",
    "Updates by themselves": "Обновляется само",
    # call page
    "Result": "Результат",
    "Fields": "Поля",
    "Ending": "Как закончился",
    "Ended in step": "Последний шаг",
    "Variables": "Переменные",
    "Script": "Сценарий",
    "version": "версия",
    "Version": "Версия",
    "Answered": "Ответ",
    "Ended": "Конец",
    "Duration": "Длительность",
    "Hangup cause": "Причина завершения",
    "s": "с",
    "Recording": "Запись",
    "Stereo: the caller on the left channel, the robot on the right.":
        "Стерео: абонент в левом канале, робот в правом.",
    "No recording.": "Записи нет.",
    "Timeline": "Хронология",
    "Caller": "Абонент",
    "Robot": "Робот",
    "Barge-in": "Перебивание",
    "Key press": "Нажатие клавиши",
    "Webhook": "Вебхук",
    "Transfer": "Перевод",
    "Consent": "Согласие",
    "Events on the timeline (choose one to play from there)":
        "События на хронологии (выберите, чтобы слушать с этого места)",
    "Transcript": "Расшифровка",
    "Time": "Время",
    "Step": "Шаг",
    "Who": "Кто",
    "Words": "Реплика",
    "ASR confidence": "Уверенность ASR",
    "Understood by": "Кто понял",
    "Intent": "Намерение",
    "Runner-up": "Второй вариант",
    "bot": "робот",
    "caller": "абонент",
    "event": "событие",
    "Play from here": "Слушать отсюда",
    "No turns yet.": "Реплик пока нет.",
    "Response gaps": "Паузы перед ответом",
    "From the end of the caller's speech to the robot's first audio.":
        "От конца речи абонента до первого звука робота.",
    "Turn": "Реплика",
    "Gap": "Пауза",
    "endpointing": "конец фразы",
    "ASR": "ASR",
    "dialogue": "диалог",
    "TTS": "синтез",
    "send": "отправка",
    "ms": "мс",
    "No timed turns.": "Нет измеренных реплик.",
    "Consent evidence": "Доказательство согласия",
    "Utterance": "Слова",
    "Audio": "Аудио",
    "Play {start}–{end}": "Слушать {start}–{end}",
    "Deliveries of this call": "Доставка результата звонка",
    "No deliveries: the call has no result target.":
        "Доставок нет: у звонка нет адреса для результата.",
    "Error of the call": "Ошибка звонка",
    "The call is still going on; this page follows it.":
        "Звонок ещё идёт; страница следит за ним.",
    # deliveries
    "pending": "ожидает",
    "delivered": "доставлено",
    "dead": "не доставлено",
    "Target": "Получатель",
    "Attempts": "Попытки",
    "Next attempt": "Следующая попытка",
    "Last error": "Последняя ошибка",
    "Delivered": "Доставлено",
    "Delivery": "Доставка",
    "Retry": "Повторить",
    "Retry now": "Повторить сейчас",
    "Queued again: the worker is delivering it.": "Снова в очереди: доставка началась.",
    "Attempt log": "Журнал попыток",
    "Attempt": "Попытка",
    "Started": "Начало",
    "Finished": "Конец",
    "OK": "Успех",
    "HTTP status": "Статус HTTP",
    "Steps": "Шаги",
    "yes": "да",
    "no": "нет",
    "No deliveries.": "Доставок нет.",
    "No attempts yet.": "Попыток ещё не было.",
    "Idempotency key": "Ключ идемпотентности",
    # scripts
    "New script": "Новый сценарий",
    "Latest version": "Последняя версия",
    "Updated": "Изменён",
    "No scripts yet.": "Сценариев пока нет.",
    "Versions": "Версии",
    "Prompts": "Подсказки",
    "Warnings": "Предупреждения",
    "Edit": "Редактировать",
    "Edit this version": "Редактировать эту версию",
    "Compare versions": "Сравнить версии",
    "Compare": "Сравнить",
    "Source of version {version}": "Текст версии {version}",
    "Changes from version {a} to version {b}": "Изменения от версии {a} к версии {b}",
    "The two versions are the same.": "Версии совпадают.",
    "removed": "удалено",
    "added": "добавлено",
    "Editor": "Редактор",
    "Script (YAML)": "Сценарий (YAML)",
    "Save as new version": "Сохранить как новую версию",
    "Saved as version {version}.": "Сохранено как версия {version}.",
    "Checking…": "Проверка…",
    "No issues.": "Ошибок нет.",
    "{count} issue(s)": "Ошибок и предупреждений: {count}",
    "line {line}, column {column}": "строка {line}, столбец {column}",
    "Issues": "Ошибки",
    "Simulator": "Симулятор",
    "Runs the text in the editor, unsaved, as /v1/simulate does.":
        "Проигрывает текст из редактора, не сохраняя его, как /v1/simulate.",
    "Variables (YAML)": "Переменные (YAML)",
    "Your reply": "Ваш ответ",
    "Send": "Отправить",
    "Silence": "Молчание",
    "Hang up": "Положить трубку",
    "Start over": "Начать заново",
    "Conversation": "Разговор",
    "The script has errors; fix them to chat.": "В сценарии ошибки; исправьте их, чтобы общаться.",
    "Waiting for your reply.": "Ждём вашего ответа.",
    "The dialog has ended.": "Диалог окончен.",
    "Keys: /dtmf 1, /silence, /hangup.": "Клавиши: /dtmf 1, /silence, /hangup.",
    # inbound routes
    "Match": "Условие",
    "Priority": "Приоритет",
    "Webhook URL": "URL вебхука",
    "Channel": "Канал",
    "SIP user": "SIP-пользователь",
    "New route": "Новый маршрут",
    "Create": "Создать",
    "Delete": "Удалить",
    "any call": "любой звонок",
    "No inbound routes.": "Входящих маршрутов нет.",
    "Route created. Its stream secret is shown once:":
        "Маршрут создан. Его секрет для потоков показан один раз:",
    "Twilio stream URL": "URL потока Twilio",
    "Route deleted.": "Маршрут удалён.",
    "Exact text or a regular expression.": "Точный текст или регулярное выражение.",
    "Optional: pin a version (default: the latest).":
        "Необязательно: закрепить версию (по умолчанию последняя).",
    "One per line, as YAML: name: value": "По одной в строке, как YAML: имя: значение",
    # keys
    "Key": "Ключ",
    "Revoked": "Отозван",
    "active": "действует",
    "Revoke": "Отозвать",
    "New key": "Новый ключ",
    "Create a key": "Создать ключ",
    "Key created. Copy it now; it is shown only once:":
        "Ключ создан. Скопируйте его сейчас; он показан только один раз:",
    "Key revoked.": "Ключ отозван.",
    "this session": "этот сеанс",
    "Revoking the key of this session signs you out.":
        "Отзыв ключа этого сеанса завершит ваш вход.",
    # campaigns
    "Do not call": "Не звонить",
    "New campaign": "Новая кампания",
    "Campaigns, newest first": "Кампании, сначала новые",
    "No campaigns yet.": "Кампаний пока нет.",
    "Name": "Название",
    "Progress": "Ход",
    "Leads": "Лиды",
    "Calls in progress": "Идущие звонки",
    "Calls placed": "Звонков сделано",
    "Draft": "Черновик",
    "Running": "Идёт",
    "Paused": "На паузе",
    "Complete": "Завершена",
    "Cancelled": "Отменена",
    "Start": "Запустить",
    "Pause": "Приостановить",
    "Resume": "Продолжить",
    "Cancel": "Отменить",
    "Cancel this campaign? Pending leads will not be called; calls in progress finish.":
        "Отменить кампанию? Ожидающим лидам звонить не будут; идущие звонки завершатся.",
    "calling": "звоним",
    "done": "готово",
    "do not call": "не звонить",
    "expired": "срок истёк",
    "{done} of {total} leads finished": "Обработано лидов: {done} из {total}",
    "Leads finished": "Лидов обработано",
    "Due now": "Пора звонить",
    "Leads by state": "Лиды по состояниям",
    "Outcomes": "Итоги",
    "Chart": "Диаграмма",
    "No outcomes yet.": "Итогов пока нет.",
    "No call in progress.": "Сейчас звонков нет.",
    "Showing the first {count}.": "Показаны первые {count}.",
    "External id": "Внешний id",
    "Campaign created as a draft: check the leads, then start it.":
        "Кампания создана как черновик: проверьте лиды и запустите её.",
    "Lead file": "Файл с лидами",
    "Accepted rows: {accepted}; rejected: {rejected}.":
        "Принято строк: {accepted}; отклонено: {rejected}.",
    "Rejected rows (in a CSV file the header is row 1)":
        "Отклонённые строки (в CSV заголовок — строка 1)",
    "the first {shown} of {count}": "первые {shown} из {count}",
    "Row": "Строка",
    "Reason": "Причина",
    "Leads and results": "Лиды и результаты",
    "All leads, with their calls": "Все лиды с их звонками",
    "Calls of this campaign": "Звонки этой кампании",
    "Download the report (CSV, one row per lead)": "Скачать отчёт (CSV, строка на лида)",
    "Add leads from a file": "Добавить лидов из файла",
    "Upload": "Загрузить",
    "The same columns as the first file; a phone already in the campaign is rejected as a "
    "duplicate.": "Те же столбцы, что в первом файле; номер, который уже есть в кампании, "
    "отклоняется как повтор.",
    "Settings": "Настройки",
    "Caller ID": "Номер отправителя",
    "Default region": "Регион по умолчанию",
    "Default time zone": "Часовой пояс по умолчанию",
    "Calls at once": "Звонков одновременно",
    "Calls per minute": "Звонков в минуту",
    "Dates without calls": "Даты без звонков",
    "Not before": "Не раньше",
    "Not after": "Не позже",
    "Calling windows (the lead's local time)": "Окна звонков (местное время лида)",
    "no calls": "без звонков",
    "Retries": "Повторы",
    "Again after": "Снова через",
    "At the time in": "В момент из поля",
    "Mon": "Пн",
    "Tue": "Вт",
    "Wed": "Ср",
    "Thu": "Чт",
    "Fri": "Пт",
    "Sat": "Сб",
    "Sun": "Вс",
    "Upload a script first: a campaign calls its leads with one script.":
        "Сначала загрузите сценарий: кампания звонит лидам по одному сценарию.",
    "Optional: the From of every call.": "Необязательно: номер «От кого» для всех звонков.",
    "For numbers written without +country (e.g. RU).":
        "Для номеров без кода страны (например, RU).",
    "For leads whose zone nothing else tells (e.g. Europe/Moscow).":
        "Для лидов, чей пояс ничем другим не определён (например, Europe/Moscow).",
    "Schedule": "Расписание",
    "Calling windows in each lead's local time, such as 09:00-13:00, 14:00-21:00; empty: no "
    "calls that day.": "Окна звонков по местному времени лида, например 09:00-13:00, "
    "14:00-21:00; пусто — в этот день не звонить.",
    "The lead's local dates, such as 2026-12-31, 2027-01-01.":
        "Местные даты лида, например 2026-12-31, 2027-01-01.",
    "Optional, in the default time zone; leads still due at the end expire.":
        "Необязательно, в поясе по умолчанию; лиды, которым не дозвонились к концу, "
        "истекают.",
    "Pacing and retries": "Темп и повторы",
    "Retries (YAML)": "Повторы (YAML)",
    "Per outcome: attempts, and after (a wait such as 2h) or at (a datetime result field). "
    "Empty: no_answer 3 × 2h, busy 3 × 20m, voicemail 2 × 4h, failed 2 × 10m, callback at "
    "callback_at.": "По итогу: attempts (попытки) и after (пауза, например 2h) или at (поле "
    "результата с датой и временем). Пусто: no_answer 3 × 2h, busy 3 × 20m, voicemail 2 × 4h, "
    "failed 2 × 10m, callback в callback_at.",
    "For every lead; a lead's own columns override them. One per line, as YAML: name: value":
        "Для всех лидов; столбцы лида их переопределяют. По одной в строке, как YAML: "
        "имя: значение",
    "Optional: where each call's result goes.":
        "Необязательно: куда отправлять результат каждого звонка.",
    "Lead file (CSV)": "Файл с лидами (CSV)",
    "A header row: phone, the script's variables, optionally external_id, timezone, region. "
    "Each bad row is reported with its number; the good rows are kept. Up to 100,000 leads a "
    "file.": "Строка заголовка: phone, переменные сценария, по желанию external_id, timezone, "
    "region. Каждая ошибочная строка показывается с номером; верные строки сохраняются. "
    "До 100 000 лидов в файле.",
    "Create campaign": "Создать кампанию",
    "State": "Состояние",
    "Leads in the order of the files": "Лиды в порядке файлов",
    "Next call": "Следующий звонок",
    "Time zones": "Часовые пояса",
    "Note": "Примечание",
    "No leads match.": "Лидов не найдено.",
    "First page": "Первая страница",
    "Next": "Дальше",
    "attempt {n}": "попытка {n}",
    "in progress": "идёт",
    "lead": "лид",
    # do-not-call
    "Do-not-call list": "Список «не звонить»",
    "Campaigns skip these numbers (at upload and again just before each call) and a single "
    "call to one is refused. A lead who asks not to be called again is added by the call "
    "itself.": "Кампании пропускают эти номера (при загрузке и ещё раз перед каждым звонком), "
    "а отдельный звонок на такой номер отклоняется. Лид, попросивший больше не звонить, "
    "попадает сюда сам, из звонка.",
    "Check a number": "Проверить номер",
    "Check": "Проверить",
    "{phone} is on the list ({source}, {reason}).": "{phone} в списке ({source}, {reason}).",
    "no reason given": "причина не указана",
    "{phone} is not on the list.": "{phone} нет в списке.",
    "{phone} is on the list.": "{phone} внесён в список.",
    "{phone} was taken off the list.": "{phone} убран из списка.",
    "Add a number": "Добавить номер",
    "Add": "Добавить",
    "Import a file": "Загрузить файл",
    "Numbers (CSV: phone, reason)": "Номера (CSV: phone, reason)",
    "Import": "Загрузить",
    "Choose a file.": "Выберите файл.",
    "Numbers on the list": "Номера в списке",
    "Source": "Источник",
    "Added": "Добавлен",
    "Remove": "Убрать",
    "The list is empty.": "Список пуст.",
    # misc
    "Actions": "Действия",
    "Details": "Подробности",
    "none": "нет",
    "Copy": "Копировать",
}
