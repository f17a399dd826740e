"""The global handlers every script gets: operator, repeat, opt-out, who-is-this.

They are checked on every turn, so they are tuned to stay silent on ordinary answers
("да", "нет, не надо", "перезвоните завтра"): examples are specific phrases and the
very short forms ("что?", "pardon?") are anchored regular expressions.
"""

from __future__ import annotations

from bot_engine.nlu.intent_spec import IntentSpec
from bot_engine.nlu.lang import Lang, lang_of

_RU_ROLES = (r"(администратор|регистратур|ресепшн|ресепшен|приемн|секретар|директор|"
             r"руководств|руководител|начальник|диспетчер|дежурн|врач|доктор|стоматолог|хирург|"
             r"терапевт|ортопед|агент|юрист|бухгалтер|мастер|инженер|технолог|менеджер|"
             r"консультант|специалист|сотрудник|оператор)\w*")
"""The people of a place a caller asks to be put through to by their role (ru)."""

_BUILTIN: dict[Lang, dict[str, IntentSpec]] = {
    "ru": {
        "operator": IntentSpec(
            examples=[
                "соедините с оператором",
                "переключите на оператора",
                "позовите оператора",
                "оператор",
                "живой человек",
                "хочу поговорить с живым человеком",
                "можно с человеком поговорить",
                "соедините с менеджером",
                "позовите менеджера",
                "переведите на специалиста",
                "дайте консультанта",
                "с роботом не хочу разговаривать",
                "вы робот",
                "соедините с сотрудником",
            ],
            patterns=[
                # not the carrier the caller leaves for: «ухожу к другому оператору»
                r"\b(?<!к другому )(?<!к другой )(?<!к новому )(?<!сотовому )(?<!сотового )"
                r"(оператор|менеджер|специалист|консультант|сотрудник)\w*\b",
                r"\bотдел\w* продаж\b",
                r"\bживо\w* (человек|челове\w+|люд\w+)", r"\bчеловечк\w*",
                r"\b(позов\w*|позвать|дайте|можно|(соедин\w*|переключ\w*|перевед\w*)( меня| нас)? "
                r"(с|на)) "
                r"(\w+ )?(человек(а|ом)?|людьми|кем[- ]нибудь из (людей|сотрудников))\b",
                r"\b(не хочу|не буду|не стану|не желаю) ((говорить|разговаривать|общаться) )?с "
                r"(робот|машин|автомат|автоответчик)\w*",
                r"\bс (робот|машин|автомат|автоответчик)\w* ((\w+ )?(не хочу|не буду|не стану) "
                r"(говорить|разговаривать|общаться)|(говорить|разговаривать|общаться) (не хочу|"
                r"не буду|не стану))\b",
                # the person first: «с человеком соедините», «с живым человеком свяжите»
                r"\bс (живым )?(человеком|людьми|кем[- ]нибудь из (людей|сотрудников)) (\w+ )?"
                r"(соедин|переключ|свяж|связ)\w*",
                r"\b(позов\w*|дайте|соедин\w* с|переключ\w* на) (\w+ )?(кого|кем)[- ]?(то|нибудь) "
                r"(\w+ )?(нормальн|живо|адекватн|толков|настоящ)\w*",
                # "хочу с человеком", «мне бы с кем-нибудь из людей», «есть кто живой»
                r"\b(хочу|хотим|хотел\w*|мне бы|нам бы|давайте|давай|лучше) (\w+ )?с (живым|"
                r"(живым )?(человеком|людьми)|кем[- ]нибудь из (людей|сотрудников))\b",
                r"^(а |ну )?(живой )?(человек|люди) (\w+ ){0,2}(есть|имеется|бывает)\b",
                # whether a person works there at all: «а люди у вас там работают»
                r"^(а |ну )?(живой |живые )?(человек|люди|сотрудники) (у вас|там|вообще) (\w+ )?"
                r"(\w+ )?(работа\w*|сидит|сидят|отвеча\w*|трудит\w*|трудят\w*)\b",
                r"\b(есть|там) (\w+ )?кто[- ]?(нибудь|то)? (живой|живые)\b",
                # a person, after a yes: «да, только с человеком», «а с человеком можно», «живые
                # у вас есть», «да, с мастером соедините», «хочу поговорить с инженером»
                r"\b(только|но|лучше) с (живым )?(человеком|людьми)\b",
                r"\bс (живым )?(человеком|людьми) (\w+ )?(можно|поговорить|пообщаться)\b",
                r"\bживые (\w+ ){0,2}(есть|имеются|бывают)\b",
                r"\bс (вашим |вашей |своим )?(руководител|начальник|мастер|дизайнер|замерщик|"
                r"инженер|технолог|юрист|бухгалтер)\w* (\w+ )?(соедин|переключ|свяж|связ|поговор|"
                r"пообщ)\w*",
                r"\b(поговорить|пообщаться|связаться) (\w+ )?с (вашим |вашей |своим )?(руководител|"
                r"начальник|мастер|дизайнер|замерщик|инженер|технолог|юрист)\w*",
                # a person by their role at the place: «соедините с администратором»,
                # «переключите на регистратуру», «дайте ресепшн»
                r"\b(соедин\w*|переключ\w*|перевед\w*|позов\w*|позвать|пригласите|дайте|хочу|можно|"
                r"мне бы|поговорить|пообщаться) (?!к |ко )(\w+ )?(с |со |на )?" + _RU_ROLES,
                r"^(а |ну )?(администратор\w*|регистратур\w*|ресепшн|ресепшен|диспетчер\w*)"
                r"( пожалуйста| можно| дайте)?$",
                # someone from the organisation: «мне нужен кто-то из управляющей компании»
                r"\b(нужен|нужна|нужно|надо|дайте|соедин\w*|переключ\w*|позов\w*|хочу|хотел\w*|"
                r"мне бы|поговорить) (\w+ )?(с )?(кто|кого|кем|кому) (то|нибудь) (живой )?"
                r"(из|с|от) (\w+ )?(компани|фирм|банк|офис|организаци|управляющ|отдел|руководств|"
                r"правлени|кооператив|товариществ|администраци|клиник)\w*",
                # the machine refused first, a person by their trade or rank, the one who does
                # the work: «с роботом не буду говорить», «соедините с вашим руководителем»,
                # «соедините меня с дизайнером», «дайте того, кто замер делает»
                r"\bс (робот|машин|автомат)\w* (\w+ )?(не хочу|не буду|не стану|не желаю)\b",
                # the machine named as a question («вы бот», «это автоответчик что ли»), someone
                # at all («соедините с кем-нибудь»)
                r"^((а|да|так|ну|тогда) )*((вы|это|ты) (что )?(бот|автоответчик|автомат|машина|"
                r"робот)( что ли| да| или человек| или живой человек)?$|(вы|ты|это) (же |что ли |"
                r"там )?(робот|машина|автомат|автоответчик)\b.*\b(не буду|не хочу|не стану|"
                r"не желаю)\b|(соедин\w*|переключ\w*|перевед\w*)( меня| нас)? (с|на) (кем|кого)"
                r"[- ]?(то|нибудь)( \w+)?$|(мне|нам) (бы )?(надо |нужно )?с (живым )?человеком"
                r"( надо| нужно| поговорить)?$)",
                r"\bдавайте (\w+ )?(человек|людей|оператор)\w*",
                # a living or a proper person: «вы бот, давайте живого», «нормального человека
                # дайте»
                r"\b(давайте|давай|дайте|позовите|зовите|позвать|хочу|соедините с|нужен|мне бы|"
                r"можно) (\w+ )?(живого|живую|кого-нибудь живого|кого-то живого)\b",
                r"\b(нормальн|адекватн|настоящ)\w* (человек|людей|сотрудник|оператор)\w* (\w+ )?"
                r"(дайте|давайте|позовите|соедините|нужен|хочу)\b",
                r"\b(дайте|давайте|позовите|соедините с|нужен|хочу|мне бы) (\w+ )?(нормальн|"
                r"адекватн|настоящ)\w* (человек|людей|сотрудник|оператор)\w*",
                r"\b(соедините|переключите|переведите)( меня| нас)? (с|на) (вашим |вашего |вашу |"
                r"вашей |своим |своего )?(руководител|начальник|мастер|дизайнер|замерщик|инженер|"
                r"технолог|юрист|бухгалтер|главн|старш|ответственн)\w*",
                r"\b(дайте|позовите|соедините с|позвать|переключите на|переведите на) (того|тех|"
                r"кого-нибудь|"
                r"кого-то),? кто\b",
                # a person by their role at the place, before or after the verb, or with no
                # verb at all: «с врачом соедините», «соедините со страховым агентом», «мне с
                # администратором клиники», «про цены давайте с администратором»
                r"\b(соедин\w*|переключ\w*|перевед\w*|свяж\w*)( меня| нас)? (с|со|на) (\w+ )?"
                + _RU_ROLES,
                r"\bсо? (\w+ )?" + _RU_ROLES + r" (\w+ )?(соедин\w*|переключ\w*|свяжите|связать|"
                r"поговорить|пообщаться)\b",
                r"^((а|ну|да|так|тогда|нет) )*(мне|нам|давайте|давай|лучше|только) (бы |уж )?со? "
                r"(\w+ )?" + _RU_ROLES + r"( \w+)?$",
                r"\b(давайте|давай|лучше) со? (\w+ )?" + _RU_ROLES + r"$",
            ],
        ),
        "repeat": IntentSpec(
            examples=[
                "повторите пожалуйста",
                "повторите",
                "не расслышал",
                "не расслышала что вы сказали",
                "скажите еще раз",
                "что вы сказали",
                "не понял",
                "не поняла повторите",
                "плохо слышно",
                "вас не слышно",
            ],
            patterns=[
                r"^(а )?(что|чего|как|шо|а|ась|аюшки|что что|что вы говорите|что вы сказали|"
                r"простите)$",
                r"^((а|ну|алло|простите|извините|можно|пожалуйста|у вас|связь|звук|все) )*"
                r"((говорите )?(погромче|громче|помедленнее|помедленней|медленнее|медленней|"
                r"не так быстро|по слогам)( пожалуйста| говорите| можно)?|прерывается|"
                r"пропадает|пропадаете|прерываетесь)$",
                r"^(а |простите |извините )*(что|как|чего|когда|где|куда|во сколько|сколько|"
                r"какой|какая|какое|кого|кому) (вы )?(там |мне |нам )*(сказали|спросили|говорите|"
                r"спрашиваете|говорили|спрашивали|предложили|предлагали|назвали|имели в виду)"
                r"( \w+)?$",
                r"^(а |простите |извините )*(о чем|про что) (вы )?(там |мне |нам )*(говорили|"
                r"спрашивали|рассказывали)$",
                # the question not understood, said after its words: «какой бюджет, не понял
                # вопроса»
                r"\bне (очень |совсем |до конца |особо )?(понял|поняла|понимаю|уловил|уловила|"
                r"разобрал|разобрала) (\w+ )?(вопрос\w*|о чем (вы|речь)|про что)\b",
                # what was asked, then not heard: «когда перезвонить, вы сказали? не понял»
                r"^(а |простите |извините )*(что|когда|где|куда|сколько|во сколько|какой|какая|"
                r"какое|какие|кого|кому|как)( \w+){0,4} не (очень |совсем )?(расслышал|понял|"
                r"разобрал|уловил|услышал)\w*$",
                r"^(а )?(что|чего|как|простите|извините)( (что|простите|извините|не понял\w*))+$",
                r"\bповтор(?<!не надо повтор)(?<!не нужно повтор)(?!яю\b|ять не (надо|нужно)\b)\w*",
                r"\bне (рас)?слыш\w*",
                # «продублируйте», «скажите снова», «я прослушал»
                r"\bпродублир\w*", r"\bпрослушал\w*",
                r"^((а|ну|можно|пожалуйста) )*(скажите|спросите|произнесите|озвучьте) (\w+ )?"
                r"(снова|заново|еще разок)( пожалуйста)?$",
                r"\bплохо (слышно|слышу)\b(?!.*\bно (говорите|слушаю|давайте|продолжайте|"
                r"рассказывайте)\b)",
                # a bare question word (said twice, «когда-когда?», it is one after
                # normalization) asks for the question again
                r"^(а )?(когда|где|куда|сколько|во сколько|какой|какая|какое|какие|кого|кому)"
                r"( (простите|извините|еще раз|вы сказали|говорите))?$",
                # «ещё раз» beside a question of who is calling asks that again: who-is-this
                # («а вы кто такие ещё раз», «вы ещё раз откуда», «а что за банк ещё раз»)
                r"^(?!.*\b(кто|откуда|что (это )?за|(какой|какая|какое|какую|какие) (\w+ )?"
                r"(компани|фирм|банк|организаци|контор|клиник|магазин|салон|агентств|смс|рассылк|сообщени)"
                r"\w*)\b).*\bеще раз\b",
                # the question not understood: «не понял про что вопрос», «я не очень поняла
                # о чем речь», «не понял вас» (not «вы не так поняли»: a correction)
                r"^((а|я|ну|извините|простите|честно|что-то|чето|чего-то) )*не (очень |совсем |"
                r"до конца |особо |сразу )?(понял|поняла|поняли|понимаю|уловил|уловила|разобрал|"
                r"разобрала)( (вас|тебя|вопрос\w*|что|чего|о чем|про что|что вы|что именно|"
                r"к чему)\b.*)?$",
                # question words only, two or more («кого-кого», «что-что когда»): the
                # caller echoes the question, not asking a new one
                r"^((а|ой|ну|простите|извините) )*(что|чего|ась|кто|кого|кому|когда|где|куда|"
                r"сколько|как|какой|какая|какое|какие|зачем|почему)"
                r"( (что|чего|кто|кого|кому|когда|где|куда|сколько|как|какой|какая|какое|какие|"
                r"зачем|почему))+$",
                # the line, not the words: «вы пропадаете», «связь прерывается»
                r"\bвы (\w+ )?(пропада|прерыва|пропал|исчеза)\w*",
                # an apology, then what the question was about: «простите, что насчёт бюджета»
                r"^((простите|извините|подождите|погодите) )+(а )?(что|как) (насчет|по поводу|"
                r"про) \w+( еще раз)?$",
                r"\b(связь|звук)\w* (\w+ )?(плох|пропа|преры|ужасн|отвратит)\w*"
                r"(?!.*\bно (говорите|слушаю|давайте|продолжайте|рассказывайте)\b)",
                # whom the robot asked for: «простите, кого вы хотели», «вам кого»
                r"^((а|простите|извините|ой) )*(вам |вы )?кого( вам| вы)?( хотели| просили|"
                r" спрашивали| ищете| искали| нужно было)?( еще раз)?$",
                # what the robot wrote down, asked back: «что вы записали»
                r"^((а|простите|извините|подождите) )*(что|чего|как) (вы|ты) (там )?(записали|"
                r"записал|записала|зафиксировали|зафиксировала|отметили|отметила)( \w+)?$",
                r"\b(плох|ужасн)\w* (связь|слышимость)\b",
                # what?, then the noise that drowned the question: «что? простите, собака
                # лает», «а? тут дрель сверлит»
                r"^((а|ой) )*(что|чего|как|ась)( (простите|извините|говорите))* (\w+ ){0,3}"
                r"(лает|лают|шумит|"
                r"шумят|шумно|кричит|кричат|орет|орут|плачет|гудит|гудят|гремит|сверлит|сверлят|"
                r"стучит|стучат|грохочет|трещит|ревет)( (тут|здесь|рядом))?$",
            ],
        ),
        "opt_out": IntentSpec(
            examples=[
                "не звоните мне больше",
                "больше не звоните",
                "перестаньте мне звонить",
                "удалите мой номер",
                "удалите меня из базы",
                "отпишите меня",
                "не хочу чтобы мне звонили",
                "сколько можно звонить",
                "внесите меня в черный список",
                "хватит звонить",
                "прекратите звонки",
                "забудьте мой номер",
            ],
            patterns=[
                r"\bне (звони(те)?|набирай(те)?|беспокой(те)?|трезвонь(те)?)\b",
                r"\b(больше|никогда) ((мне|нам|сюда) ){0,2}не (пере|на)?(звон|званива|набира)\w*",
                # «отстаньте от меня», «оставьте нас в покое»: leave me alone for good
                r"\b(отстан|отвяж|отцеп)\w* (уже |вы |же )?от (меня|нас)\b",
                r"\bоставьте (меня|нас) в покое\b",
                r"\bне (надо|нужно|стоит) (мне |нам )?(больше )?(звонить|набирать|беспокоить)\b",
                # told before, or asking how long it goes on: «я вам уже говорила не звонить»,
                # «сколько можно названивать»
                r"\b(говорил\w*|просил\w*|сказал\w*) (\w+ )?не (звонить|названивать|беспокоить)\b",
                r"\bсколько (можно|уже|еще) (мне |нам )?(звонить|названивать|трезвонить|"
                r"беспокоить)\b",
                r"\bне хочу,? чтобы (мне |вы )?(больше )?звонили\b",
                r"\b(перестань|прекрати|прекраща|хватит)\w* ((мне|нам|нас|сюда|уже|тут|мне сюда|"
                r"на этот номер|по этому номеру) )*(звон|названив|трезвон|беспоко|набир)\w*",
                r"\b(удали|убери|уберите|исключи|вычеркни|сотри)\w* (мой |мои |меня |этот |наш )?"
                r"(номер|телефон|данны|контакт|из (баз|спис|ваш|обзвон|рассыл|картотек|реестр))\w*",
                # the object first: «номер мой сотрите», «данные удалите»
                r"\b(номер|телефон|контакт|данные)\w* (мой |мои |наш |мои все )?(удали|убери|"
                r"уберите|исключи|вычеркни|сотри)\w*",
                r"\b(запреща\w*|не разреша\w*) (мне |вам |вам мне |мне вам )?(сюда |на этот (номер|"
                r"телефон) )?(звонить|названивать|набирать|"
                r"беспокоить)\b",
                r"\b(отпиши|отписа)\w*",
                r"\bотключи\w* (меня |нас |мой номер )?от (\w+ )?(звонк|рассыл|обзвон|реклам)\w*",
                r"\bчерн\w* спис\w*",
                # calls refused by their noun or by «отстаньте»: «не хочу больше звонков»,
                # «внесите в стоп-лист», «все отстаньте», «не перезванивайте вообще»
                r"\bне (хочу|хотим|желаю|желаем|надо|нужно)( больше| никаких| ваших| этих| "
                r"ваши| эти| мне| нам){0,2} (звонк(ов|и)|звонить)\b",
                r"\bстоп[- ]?лист\w*",
                # calls refused by their noun, the number forgotten, a threat: «звонки мне не
                # нужны», «я против ваших звонков», «забудьте мой телефон», «заблокирую вас»,
                # «буду жаловаться»
                r"^(\w+ ){0,3}(звонки (ваши |эти )?(мне |нам )?(больше )?не (нужны|надо)|против "
                r"(ваших |этих |любых )?звонков|забудьте (мой |этот |наш )?(номер|телефон)|"
                r"заблокирую|заблокировать|в блок|буду жаловаться|пожалуюсь)\b",
                # «все отстаньте», after a short refusal too: «не согласна, отстаньте»
                r"^((все|всё|да|ну|слушайте|так|короче|вообще|нет|не \w+) )*отстань(те)?\b",
                r"\bне перезванива(йте|й)\b",
                r"^(мне |нам )?(вообще |больше |никогда )?не (надо|нужно) (мне |нам )?(больше |"
                r"вообще )?перезванивать( (вообще|больше|никогда))*$",
            ],
        ),
        "who_is_this": IntentSpec(
            examples=[
                "кто это",
                "кто вы",
                "вы кто",
                "кто звонит",
                "кто вы такие",
                "откуда у вас мой номер",
                "где вы взяли мой номер",
                "зачем звоните",
                "зачем вы мне звоните",
                "по какому вопросу",
                "что за компания",
                "с кем я говорю",
                "какая компания",
            ],
            patterns=[
                r"^(а )?(кто это|кто вы|вы кто|кто звонит|кто говорит)\b",
                r"^(а |и )?(вам |вы )?(что|чего) (вам |вы )?(надо|нужно|хотите|хотели)$",
                r"\bоткуда (у вас )?(мой|моя|мои|этот)? ?(номер|телефон|контакт|данны)\w*",
                r"\b(где|как) вы (взяли|узнали|нашли) (мой )?(номер|телефон)\w*",
                # how the caller was found, what is sold: «как вы меня нашли», «а вы что
                # продаёте» (not «что предлагаете, интересно»: curious, a yes)
                r"\b(как|где|откуда) (вы|ты) (меня|нас) (нашли|нашел|откопали|достали|"
                r"вычислили)\b|\bкак (вы|ты) (на меня|на нас) вышли\b",
                r"^((а|и|ну|так) )*(вы |а вы )?(что|чего) ((вы|вообще|там|такое|мне|нам) ){0,2}"
                r"(продаете|продаёте|рекламируете|впариваете|навязываете)( вообще| то| там)?$",
                r"\b(зачем|почему|по какому поводу|по какому вопросу) (вы )?(мне )?звони\w*",
                r"\bс кем (я )?(говорю|разговариваю|имею (честь|дело))\b",
                r"^(а )?(по какому (поводу|вопросу)|вы откуда|откуда вы|кто спрашивает)\b",
                r"^(а |ну )?(смотря|зависит от того) кто (\w+ )?(спрашивает|звонит|интересуется|"
                r"ищет|просит)\b",
                r"\bчто (это )?за (компания|фирма|организация)\b",
                # why they ask: «с какой целью интересуетесь», «а зачем спрашиваете»
                r"^(а |и )?(с какой целью|зачем|для чего|почему) (вы )?(интересуетесь|"
                r"спрашиваете|интересуются|узнаете)\b",
                # the robot's word for itself doubted: «а вы точно из автошколы», «это правда банк»
                r"^(а |и )?(вы|это) (точно|правда|действительно|вообще) (из|с|от) \w+",
                # «а вы из газовой службы что ли»: asked whether the call is from there
                r"^((а|и|так) )*(вы|это) (\w+ )?(из|от) (\w+ ){0,2}\w+ (что ли|или как)$",
                # what the offered plan holds: «а что в новом тарифе», «какие там условия»
                r"^((а|и|ну|так) )*(что|какой|какая|какие) (\w+ ){0,2}(тариф|услови|предложени)"
                r"\w*( \w+)?$",
                # the name the robot said, then «это что» or «что это»: «дачный двор это что»,
                # «окна проф что это»
                r"^(?!(?:а|ну|и|так|вот|да|нет|бюджет|цена|сумма)\b)\w+( \w+){0,2} (это (что|кто|"
                r"откуда|где)|(что|кто) это)( такое| такие| за (фирма|компания|контора))?$",
                # what the offer changes: «а что изменится», «и что мне это даст»
                r"^((а|и|ну|так) )*что (\w+ ){0,2}(изменится|поменяется|меняется|"
                r"это (мне |нам )?даст|(мне|нам) (это )?даст)"
                r"( для меня| для нас| у меня| у нас| мне| нам| теперь)?$",
                # one opening, several questions: why they need to know («а вам зачем это
                # знать»), who is after them («кто её ищет», «кто вам сказал»), the caller not
                # understood («я не понимаю кто вы»), who the person offered is («а менеджер
                # это кто»), what the matter is («а в чём дело», «в связи с чем звонок», «а чей
                # это номер», «назовитесь»)
                r"^((а|и|ну|так|я|девушка|простите|извините|честно) )*((вам |вы )?(зачем|для чего|"
                r"почему|на что) (вам |вы )?(это |такое |все это )?(знать|интересно|нужно знать|"
                r"надо знать)$|кто (вам |вы )?(его |ее |их |меня |нас )?(ищет|ищете|разыскивает|"
                r"сказал|рассказал|сообщил|передал|дал)\b|не (понимаю|понял|поняла|пойму) (\w+ )?"
                r"(кто|откуда) (вы|это|звонит|звоните|говорит)\b|(менеджер|оператор|специалист|"
                r"консультант)\w* (это |этот |ваш )?(кто|какой|какая)( такой| такая)?$|(в чем дело|"
                r"что случилось|что стряслось|в связи с чем|по какому делу|чей это (номер|телефон)|"
                r"назовитесь|представьтесь|(вы )?чьих (вы )?будете)\b)",
                # whether it must be done: «а это обязательно», «а без этого никак»
                r"^(а |и )(это|оно|согласие) (\w+ )?(обязательно|обязательное|нужно прямо)"
                r"( (давать|делать|соглашаться|подписывать|отвечать))?$",
                r"^(а |и )(без (этого|него|согласия)) (никак|нельзя)$",
                # what kind of call it is: «это реклама что ли», «это опять вы»
                r"^((а|и|так|ну) )*(это|вы) (опять |снова )?(реклама|спам|мошенник\w*|развод|"
                r"продаж\w*|опрос)( что ли| да| какая то)?$",
                r"^((а|и|так|ну) )*это (опять|снова) вы$",
                # the matter of the call guessed: «а это вы про счётчики что ли», «вы насчёт
                # кредита»; «…, что это такое» after a statement
                r"^((а|и|так|ну|подождите) )*(это вы|вы это|это|вы) (звоните |звонили )?(про|"
                r"насчет|по поводу) (?!(?:меня|нас|него|нее|вас|это|то|того)\b)\w+( \w+){0,2}?"
                r"( что ли| да| наверное)?$",
                r"\b(что|кто) это (такое|такие|вообще такое|за звонок)$",
                # the number or the name asked in another order: «а где вы мой номер нашли»,
                # «напомните название фирмы»; the company doubted by its kind: «а вы точно
                # страховая»
                r"\b(где|откуда|как) (вы |у вас )?(мой |наш |этот )?(номер|телефон)\w* (взяли|"
                r"нашли|узнали|достали|получили)\b",
                r"^(а |ну )?(напомни\w*|подскаж\w*|скаж\w*) (\w+ )?(название|наименование) (\w+ )?"
                r"(фирм|компани|организаци|контор)\w*",
                r"^(а |и )?(вы|это) (точно|правда|действительно) (\w+ )?(страхов|банк|компани|фирм|"
                r"клиник|магазин|салон|агентств|организаци|контор|служб)\w*$",
                # where the caller is: «а вы в каком городе находитесь», «вы из какого региона»
                r"^(?=.*\b(вы|ваша)\b)((а|и|так|ну|вы) )*(ваша (фирма|компания|контора) )?(в|из) "
                r"(каком|какой|какого|какую) (город|област|регион|район|стран|штат)\w*"
                r"( (вы|ваша (фирма|компания|контора)))?( (находит|располага|сиди|сидит|работае|"
                r"базиру|звони)\w*)?( вообще)?$",
                # why the caller wants the one asked for: «а вам он зачем», «а он вам для чего»
                r"^((а|и|так|ну) )*((вам|вы) (он|она|они|его|ее|их) (зачем|для чего|на что)|"
                r"(он|она|они|его|ее|их) (вам|вы) (зачем|для чего|на что)|"
                r"(зачем|для чего|на что) (вам|вы) (он|она|они|его|ее|их)|"
                r"(зачем|для чего|на что) (он|она|они|его|ее|их) (вам|вы))( \w+)?$",
                # which organisation the robot said: «а какой банк вы сказали», «из какой
                # фирмы говорите»
                r"^((а|и|так|ну|простите|извините|еще раз|вы) )*(из |с |от )?"
                r"(какой|какая|какое|какого|какую|каком|как) (\w+ )?(компани|фирм|банк|"
                r"организаци|клиник|контор|магазин|салон|агентств)\w*(?=( \S+){0,6}$)",
                # what happens if the caller refuses: «а что будет, если откажусь»
                r"^(а |и )?что (будет|случится|мне будет) (\w+ )?если (я )?(откажусь|не соглашусь|"
                r"не дам|против)\b",
                # "что за мебель плюс", "а что за заявка": what a name the robot said is
                r"^(а |и )?что (это )?(еще )?за (?!.*\b(?:цен\w*|стои\w*|вопрос)\b)\w+( \w+){0,2}$",
                # a short question about the caller, the call or what it is about: "а кто
                # его спрашивает", "а вы из какой фирмы", "а что за обработка", "что это значит"
                r"^(?=(?:\S+ ){0,8}\S+$)(?!.*\b(?:сказали|сказал|сказала|говорите|спросили|"
                r"повтор\w*|расслыш\w*|сколько|стоит|стоят|цен\w*|предлага\w*|предложи\w*|"
                r"продае\w*|обычно|выход\w*|обойд\w*)\b)"
                r"(?=(?:(?:а|и|ну|так|подождите|погодите|постойте|стойте|подожди|погоди|постой|стоп|"
                r"простите|извините|слушайте|девушка|"
                r"вы|это|вообще|вот|же|еще раз) )*(?:из |с |от |по |для |на )?(?:кто|что|откуда|"
                r"зачем|почему|какой|"
                r"какая|какое|какие|какую|"
                r"каком|какого|какому|куда|кем)\b)"
                r"(?=.*\b(?:вы|вас|вам|ваш\w*|это|звон\w*|спрашива\w*|заявк\w*|компани\w*|фирм\w*|"
                r"организаци\w*|контор\w*|клиник\w*|банк\w*|агентств\w*|магазин\w*|салон\w*|"
                r"стоматолог\w*|врач\w*|аптек\w*|медцентр\w*|больниц\w*|поликлиник\w*|"
                r"офис\w*|данн\w*|согласи\w*|обработк\w*|номер\w*|говорю|значит|смс|"
                r"рассылк\w*|сообщени\w*|уведомлени\w*|"
                r"повод\w*|вопрос\w*|беспоко\w*)\b)",
            ],
        ),
    },
    "en": {
        "operator": IntentSpec(
            examples=[
                "connect me to an operator",
                "operator",
                "a human please",
                "i want to talk to a human",
                "can i speak to a real person",
                "let me talk to a person",
                "transfer me to an agent",
                "get me a manager",
                "i want to speak to a representative",
                "live agent",
                "are you a robot",
                "customer service",
            ],
            patterns=[
                # not the caller's own ("my supervisor is right here": someone watching)
                r"\b(?<!\bmy )(?<!\bour )(operator|human|representative|manager|supervisor)s?\b",
                r"\b(live|real|actual)(?<!im a real)(?<!i am a real) (agent|person|people|one|"
                r"body|voice)\b",
                r"\b(get|give|find) me (a |an |some |the )?(\w+ )?(person|agent|someone|"
                r"somebody|rep)\b",
                # also a person by their role at the place: "let me talk to the front desk",
                # "put me through to reception"
                r"\b(put|connect|transfer|patch|switch) (me|us) (through |over )?(to|with) "
                r"(an? |some |the |your )?(agent|person|someone|somebody|rep|specialist|"
                r"salesperson|sales (person|rep|team|department)|staff|employee|front desk|"
                r"reception|receptionist|front office|office manager|dispatcher)\b",
                # someone of theirs by a trade or a team: "put me through to your sales guy"
                r"\b(put|connect|transfer|patch|switch) (me|us) (through |over )?(to|with) "
                r"(the|your) (\w+ )?(guy|gal|lady|man|woman|folks|people|team|department|dept)\b",
                r"\b(speak|talk) (to|with) (a |an |some |the )?(\w+ )?(person|agent|someone|"
                r"salesperson|rep|front desk|reception|receptionist|front office|office manager|"
                r"dispatcher)\b",
                # "discuss that with a person", "talk it over with an agent": a subject between
                r"\b(speak|talk|discuss|go over|deal|sort|chat)( \w+){1,3} (to|with) (a |an |the )?"
                r"(\w+ )?(person|agent|salesperson|rep)\b",
                r"\bget (a |an |some )?(real |live )?(person|human|agent|someone) on the "
                r"(line|phone)\b",
                # "put a person on", "put someone real on"; a robot not wanted
                r"\b(put|get) (a |an |some )?(real |live )?(person|human|agent|someone|somebody)"
                r"( real| live)? on\b",
                r"\b(dont|do not|hate|cant stand|wont)( like| want| wanna)?( to)? (talk|talking|"
                r"speak|speaking) (to|with) (a |the )?(robot|machine|computer|bot|recording)s?\b",
                r"\b(sales ?person|sales rep|salesman|saleswoman|sales department|sales team)\b",
                # someone of theirs by their role, asked for: "let me talk to the pharmacist",
                # "put your estimator on", "can a human call me instead"
                r"\b(let me|can i|could i|may i|i want to|i wanna|id like to|i would like to) "
                r"(just )?(talk|speak) (to|with) (the|your|a|an) (\w+ )?(pharmacist|estimator|"
                r"technician|tech|nurse|doctor|inspector|installer|specialist|consultant|advisor|"
                r"adviser|engineer|foreman|owner|roofer|electrician|plumber|dentist|hygienist|"
                r"banker|loan officer|agent|estimater)\b",
                r"\bput (your|the) (\w+ )?(pharmacist|estimator|technician|tech|nurse|doctor|"
                r"inspector|installer|specialist|consultant|advisor|engineer|foreman|owner|roofer|"
                r"agent) on( the (line|phone))?( please| now| instead)?$",
                r"\b(can|could|would|will) (a|an|some|your|the) (real |live |actual )?(human|"
                r"person|agent|rep|representative|manager|salesperson|estimator|technician|"
                r"pharmacist) "
                r"(call|ring|phone|contact) (me|us)\b",
                # the boss, a transfer alone: "put your boss on", "just transfer me"
                r"\b(put|get) (your|the) boss on\b|\b(talk|speak) (to|with) (your|the) boss\b",
                r"^((please|just|ok|okay|can you|could you|yeah|yes) )*transfer me( please| now| "
                r"over)?$",
                r"\b(someone|somebody|anyone) (from|in) sales\b",
                # "is there a person i could talk to", "i want a real person", "a human"
                r"\b(is|isnt) there (a |an |some )?(real |live |actual )?"
                r"(person|human|agent|rep)\b",
                r"\b(is|isnt) there (someone|somebody|anyone|anybody) (real |live |actual )?"
                r"(i|we) (can|could) (talk|speak)\b",
                r"\b(i|we) (just )?(want|need|would like|wanna) (a |an |to get a )?(real |live )?"
                r"(person|agent)\b",
                # someone from the organisation: "i need somebody from the credit union"
                r"\b(need|want|get|give|put|connect|transfer|talk|speak)( \w+){0,3} (someone|"
                r"somebody|anyone|anybody|a person|a human) (from|at|in) (the|your) (\w+ ){0,2}"
                r"(company|office|bank|credit union|union|management|firm|clinic|cooperative|"
                r"association|department|branch|desk|reception|billing|scheduling|dispatch)\b",
                # the one who does the work, someone at the office: "connect me with the guy who
                # does inspections", "i need to speak with somebody in your office"
                r"\b(connect|put|transfer|patch|switch|speak|talk) (me |us )?(through |over )?"
                r"(to|with) (the|a|your|someone|somebody) (guy|person|lady|woman|man|one|people|"
                r"folks)( who| that)\b",
                r"\b(speak|talk) (to|with) (somebody|someone|anybody|anyone) (in|at|from) "
                r"(your|the) (office|company|team|store|shop)\b",
                # a bare request ("agent please"), the machine refused ("i dont talk to
                # machines", "im not agreeing to anything with a robot")
                r"\b(can|could|may) (i|we) (get|have|speak to|talk to) (a |an |some )?(real |live |"
                r"actual )?(person|human|agent|rep|representative)\b",
                r"^((so|wait|um|uh|hey|hello|an?|the) )*((are you|is this|am i talking to|am i "
                r"speaking (to|with)) (a |an )?(bot|robot|machine|recording|computer|automated "
                r"(system|call|voice))( or (a )?(real )?(person|human))?|(agent|rep|live agent|"
                r"real person|live person)( please| now| right now)?|put (someone|somebody|"
                r"a person|a human) on( the (line|phone))?( please)?)$",
                r"\b((dont|do not|wont|will not|never|not gonna|not going to) (talk|speak|deal) "
                r"(to|with) (a |an )?(machines?|robots?|bots?|computers?|recordings?)|not "
                r"(agreeing|consenting|signing|saying yes)( \w+){0,3} (with|to) (a |an )?(machine|"
                r"robot|bot|computer|recording))\b",
            ],
        ),
        "repeat": IntentSpec(
            examples=[
                "repeat please",
                "could you repeat that",
                "say again",
                "say that again",
                "pardon",
                "sorry i did not catch that",
                "i did not hear you",
                "what did you say",
                "come again",
                "one more time",
                "i can not hear you",
            ],
            patterns=[
                r"^(what|sorry|pardon|excuse me|huh|come again|pardon me|say again)$",
                r"^(sorry|what|pardon|excuse me|huh|wait)( (sorry|what|pardon|again|was that))+$",
                r"^((sorry|wait|huh|um|uh) )*(whats|what is|what was) that( (name|word|number|"
                r"part|bit|last (part|bit|word)))?( again| sorry| now)?$",
                # a question about the robot's own words: "when did you say", "what time did
                # you say"
                r"^((sorry|wait|um|uh|and|so) )*(when|where|what time|which day|how much|who|"
                r"what) (did|do) you (just )?(say|said|ask|asked|mention|mentioned)"
                r"( again| sorry)?$",
                # an apology, then one question word: "sorry who now", "pardon when again"
                r"^((im |i am )?sorry |pardon |excuse me |wait )+(sorry |um |uh )?(who|when|where)"
                r"( now| again| was that)?$",
                r"\brepeat(?<!\bi repeat)(?<!no need to repeat)(?<!dont need to repeat)\w*",
                r"\bspeak up\b|\blouder\b",
                # a noise that drowned the question, then asking it back: "sorry the fan is
                # loud what", "the dog is barking huh"
                r"^(?:(?:sorry|wait|um|uh) )*(?:the |my |our |its |it is )?(?:\w+ )?"
                r"(?:is |are |s )?(?:so |too |really |very )?(?:loud|noisy|blaring|barking|"
                r"roaring|howling)"
                r"(?: here| in here| right now)? (?:what|huh|sorry|come again|pardon)"
                r"(?: again| was that| did you say)?$",
                r"\bsay (that |it )?again\b",
                r"\b(did not|didnt|can not|cant|cannot) (hear|catch|understand)\b",
                r"^(sorry |um |uh )*(i )?missed (that|it|what you said|the question)\b",
                # after the question's words: "planning what sorry i missed it"
                r"\bi (just |totally )?missed (that|it|what you said|the question|the last part)$",
                r"\bone more time\b",
                # the line, not the words: "you broke up", "youre cutting out", "bad connection"
                r"\byou(re| are)? (\w+ )?(broke|break|breaking) up\b",
                r"\byou(re| are)? (\w+ )?(cut|cutting|dropped|dropping|went|going|kept) out\b",
                r"\b(bad|poor|terrible|awful|weak) (connection|line|reception|signal)\b",
                r"\bi (just )?lost you\b",
                r"\b(line|connection|reception|signal)( is|s) (\w+ )?(bad|terrible|awful|poor|"
                r"crackling|breaking up|cutting out)\b",
                r"\byou (went|are going|re going) (quiet|silent)\b",
                r"^(sorry |wait )?(when|where|how much|which one)( sorry| again| was that)?$",
                # whom the robot asked for: "sorry who did you want", "you wanted who"
                r"^((im |i am )?sorry |wait |um |uh )*(who|whom|whos)( is it| is that| that)?"
                r"( did| do| are| were)? you( say you| said you)? (want|wanted|need|needed|"
                r"ask for|asked for|looking for|asking for)( to (talk|speak) (to|with))?"
                r"( again| sorry)?$",
                r"^((im |i am )?sorry |wait |um |uh )*you (wanted|want|asked for|need|said) "
                r"(who|whom)( again| sorry)?$",
                # an apology, then what the question was about: "sorry what about the budget"
                r"^(?:sorry|wait|um|uh|huh|pardon) (?:(?:sorry|wait|um|uh) )?(?:what|how) about "
                r"(?:the |my |our |your )?\w+(?: again)?$",
                # the question not understood: "i dont get the question", "didnt quite follow"
                r"^((sorry|um|uh|well|honestly|wait) )*(i )?(dont|do not|didnt|did not) (quite |"
                r"really |fully )?(get|understand|follow)( (that|it|you|the question|what you "
                r"(said|mean|meant|asked|are asking|were asking|want)))?$",
                r"^((sorry|wait|um|uh|huh|pardon) )*(what|when|where|who|how much|which|why)"
                r"( (what|when|where|who|how much|which|why))+( now| again| sorry| exactly|"
                r" (do )?you mean| are you asking)?$",
                # a question about the robot's own words: "what did you just ask", "what
                # was the question", "whats the question again"
                # what the robot wrote down, asked back: "sorry what did you record"
                r"^((sorry|wait|um|uh) )*what (did|have) you (just )?(record|recorded|write down|"
                r"wrote down|put down|note|noted|note down|mark down|put)( (down|there|again))?$",
                r"^((sorry|wait|um|uh|and|so) )*(what|whats) ((did|do) you (just )?(ask|say|"
                r"mean)|(are|were) you (asking|saying)|(was|is) (the|that|your) (question|"
                r"last (part|bit|thing))|the question)\b",
            ],
        ),
        "opt_out": IntentSpec(
            examples=[
                "stop calling me",
                "remove my number",
                "do not call me again",
                "do not call",
                "take me off your list",
                "put me on the do not call list",
                "never call me again",
                "unsubscribe me",
                "delete my number",
                "quit calling me",
            ],
            patterns=[
                r"\b(stop|quit|cease) (calling|ringing|bothering|contacting)\b",
                r"\b(stop|quit|enough) ((with )?(the|all the|these) )?(calls|calling|robocalls)\b",
                r"\b(remove|take|delete|erase) (me|us|my|our|this|that)( \w+){0,2} (off|from) "
                r"(your|the|this) (\w+ ){0,2}(list|lists|database|system|records)\b",
                # "no more calls": for good ("leave me alone" below, at the start only: "my
                # kids wont leave me alone" is no request)
                r"\bno more (phone )?(calls|calling)\b",
                r"\b(do not|dont|never) (call|contact|ring)\b",
                r"\b(do not|dont|never) (text|email|message|mail)( me| us)? (or|and|nor) (call|"
                r"contact|ring)\b",
                r"\b(do not|dont|never) bother (me|us)\b",
                r"\b(remove|delete|take) (me|my number|my phone|my details|my data)\b",
                r"\b(off|from) (your|the) (list|database|calling list)\b",
                r"\bunsubscribe\b",
                # calls refused by their noun or by "leave me alone": "no more calls", "i never
                # want another call from you", "dont ever dial this number", "remove us please"
                r"\bno more (phone |robo)?(calls|calling|robocalls)\b",
                r"\b(dont|do not|never) (ever )?want (any |another |more |anymore |any more |"
                r"your |these |those )*(phone )?calls?\b",
                r"\b(do not|dont|never) ever (call|contact|ring|dial|phone)\b",
                r"\b(do not|dont|never) (dial|phone) (me|us|this|my|here)\b",
                r"^((please|just|now|oh|ugh|man|no|nah|nope|can you|could you|would you|"
                r"will you) )*leave (me|us) (the hell |the heck )?alone\b",
                r"^(please |just )?(remove|delete) us( please| now| already)?$",
                r"\b(lose (my|this|our) (phone )?(number|info|details)|no (more )?(calls|callbacks|"
                r"call backs|phone calls) ever|dnc|(report|reporting|block|blocking) (you|this "
                r"number|your number)|(take|get) (my|our) (name|number) off( (it|that|there|"
                r"please))?$)\b",
            ],
        ),
        "who_is_this": IntentSpec(
            examples=[
                "who is this",
                "who are you",
                "who is calling",
                "where did you get my number",
                "how did you get my number",
                "why are you calling",
                "why are you calling me",
                "what is this about",
                "what company is this",
                "who am i speaking to",
            ],
            patterns=[
                r"^(who is this|who are you|who is calling|whos this|whos calling)\b",
                r"\bwho (is|are) (this|you|calling)\b",
                r"\b(where|how) did you get (my|this) (number|phone|contact)\b",
                r"\bwhy (are|do|did) you (calling|call|ringing)\b",
                r"\bwhat is this (about|regarding)\b",
                r"\b(what|which) (medical |dental |law |insurance )?(company|firm|clinic|office|"
                r"practice|hospital|bank|agency|store|doctor|doctors|credit union|union|"
                r"cooperative|association|utility|lender|"
                r"shop|organization|organisation|outfit|center|centre|department|pharmacy|"
                r"drugstore|lab|laboratory|insurer|insurance|dealership|salon|studio|business|"
                r"library|gym|club|museum|hotel|school)\b",
                r"^((and|hold on|hang on|wait|wait a (minute|sec|second)|well|um|uh|ok|okay|now|"
                r"hey) )*(whos asking|who wants to know|what is this regarding|whats this "
                r"regarding)\b",
                # "who is asking for her", "may i ask whos calling for him"
                r"^((and|so|sorry|um|uh|may i ask|can i ask) )*(who is|whos|who) (asking|calling|"
                r"looking) for (her|him|them|\w+)( please| today)?$",
                # what it is regarding ("and this is regarding"), the name the robot said
                # doubted ("are you really from lakeshore"), whether it must be done ("is this
                # mandatory", "do i have to"): one pattern, one try at the start
                r"^(?:and |so |wait |um |uh )?(?:(?:this is|this|its|it is|and this is) "
                r"(?:regarding|concerning|in regards to|in reference to)(?: what)?$|"
                r"(?:are you|is this|is it) (?:really|actually|sure youre|truly) (?:from |with )?"
                r"\w+|(?:is|does) (?:this|that|it) (?:really )?(?:mandatory|required|obligatory|"
                r"a must|necessary|have to be done)$|(?:do|must) i (?:really )?(?:have to|need to)"
                r"(?: do (?:this|that|it)| agree| consent| give (?:it|consent)|"
                r" answer(?: that| this| it)?)?$|(?:\w+ ){0,3}never (?:even )?heard of (?:you|ya|"
                r"yall|you guys|you people|your (?:company|outfit|business|firm|group))$)",
                # the organisation guessed: "is this the credit union", "are you the bank"
                r"^(?:and |so |wait |um |uh |oh )?(?:is this|is that|is it|are you|are you guys) "
                r"(?:the |from the |with the |from |with )?(?:\w+ ){0,2}(?:credit union|union|bank|"
                r"company|clinic|office|cooperative|co op|utility|lender|hoa|association|vet|vets|"
                r"veterinarian|animal hospital|hospital|pharmacy|dentist|doctors office|school|"
                r"church|gas company|power company|electric company|cable company|"
                r"heating company|plumber|plumbers|contractor|dealership|insurance)$",
                r"^((well|that|it|kinda|sort of) )*depends( on)? (whos|who is|who) "
                r"(asking|calling|wants to know|wants (her|him|them))\b",
                # "acme what?": a name the robot said, echoed with a question word
                r"^(?!(?:sorry|wait|um|uh|yes|yeah|yep|no|nope|ok|okay|and|so|huh|pardon|excuse|"
                r"say|for|like|then|now|do|to|with|that|this|its|is|said|you|your|me|but|or|"
                r"well|oh|hey|hello|hi|agree|consent|confirm|accept|sign|up|about|for|of|on|in|"
                r"at|by|of|because|cause|doing|did|does|the|a|an|mean|meaning|was|were|are)\b)"
                r"[a-z]{3,} what(?: is that| is this| is it| now)?$",
                # the same with a name of two to four words ("acme home services what") or
                # "who" ("acme who"; the name asked for, "lisa who?", is a no: ``polar``'s)
                r"^(?=.* what(?: is that| is this| is it| now)?$)"
                r"(?:(?!(?:sorry|wait|um|uh|yes|yeah|yep|no|nope|ok|okay|and|so|huh|"
                r"pardon|excuse|say|for|like|then|now|do|to|with|that|this|its|is|said|you|your|youre|"
                r"me|but|or|well|oh|hey|hello|hi|agree|consent|confirm|accept|sign|up|about|of|"
                r"on|in|at|by|because|cause|doing|did|does|the|mean|meaning|was|were|are|want|"
                r"wants|need|needs|asking|calling|talking|saying|speaking|called|call|doing|"
                r"with|who|what|when|where|and|then|after|before)\b)[a-z]{3,} ){1,3}"
                r"(?!(?:sorry|wait|um|uh|yes|yeah|yep|no|nope|ok|okay|and|so|huh|pardon|you|"
                r"said|say|to|for|with|that|this|is|the|was|are|about|what|who)\b)[a-z]{3,} "
                r"what(?: is that| is this| is it| now)?$",
                r"^(?=.* who$)(?!(?:sorry|wait|um|uh|yes|yeah|yep|no|nope|ok|okay|and|so|huh|"
                r"pardon|excuse|say|said|you|your|me|but|or|well|oh|hey|hello|hi|the|a|an|was|were|are|is|"
                r"its|and|then|now|guess|know|ask|asking|mean|like|doctor|dr|mr|mrs|ms|miss)\b)"
                r"[a-z]{3,}( [a-z]{3,}){0,2} who$",
                r"\bwho am i (speaking|talking) (to|with)\b",
                # what kind of call it is: "is this a sales call", "is this a scam"
                r"^(?:and |so |wait |um |uh |oh )?(?:is this|is it|are you) "
                r"(?:a |an |some |another )?(?:(?:kind|sort|type) of (?:a |an )?)?"
                r"(?:sales call|scam|scammer|telemarketer|telemarketing call|survey|spam call|"
                r"sales pitch|advertisement|sales thing|marketing call|marketing thing|robocall|"
                r"pitch|solicitation|solicitor|spam|spam thing|prank|prank call|poll|"
                r"questionnaire)(?: or (?:something|what|anything|something like that))?$",
                # the kind of call guessed, a request doubted, the trade guessed, what it costs,
                # where the number goes: "is this one of those storm chaser calls", "did i
                # sign up for something", "are you a roofer", "does it cost anything", "will
                # you share my number"
                r"^(?:(?:and|so|wait|um|uh|oh|hold on) )*(is this|is it|are you|are you guys|"
                r"are yall) (?:(?:just )?(?:one of (?:those|them|these)|another (?:one of those|"
                r"of those))(?: \w+){0,3} (?:calls?|people|companies|outfits|scams?|guys|things|"
                r"pitches|deals|chasers)(?: or (?:something|what))?|(?:a |an |the )?(?:\w+ )?"
                r"(?:roofers?|roofing (?:company|guys|people)|electricians?|installers?|builders?|"
                r"handyman|salesman|adjusters?|insurance (?:agent|adjuster|company)|solar "
                r"(?:company|guys|people)|storm chasers?))$",
                r"^(?:(?:and|so|wait|um|uh|oh|hold on) )*(?:did|have|when did) i (?:ever )?"
                r"(sign(?:ed)? up|register(?:ed)?|subscribe(?:d)?|enter(?:ed)?|ask(?:ed)?|"
                r"request(?:ed)?|appl(?:y|ied)|order(?:ed)?|fill(?:ed)? out|agree(?:d)?) "
                r"(?:for|to)? ?(?:something|anything|this|that|it|one|a \w+)(?: or (?:something|"
                r"what))?$",
                r"^(?:(?:and|so|wait|um|uh|oh|ok|okay) )*(?:does|will|would) (?:it|this|that) "
                r"(cost|charge) (?:me |us )?(?:anything|something|money|extra)$",
                r"^(?:(?:and|so|wait|um|uh|oh|ok|okay) )*(?:is|will) there (?:be )?(?:a|any) "
                r"(fee|charge|cost)(?: for (?:it|this|that))?$",
                r"^(?:(?:and|so|wait|um|uh|oh|ok|okay|but) )*(?:will|would|do|are|did) you "
                r"(?:guys |people |folks )?(?:going to |gonna )?(share|sell|give|pass|hand) "
                r"(?:out |on )?(?:my|our) (?:phone )?(?:number|info|information|data|details|"
                r"email|address)"
                r"(?: (?:to|with) (?:anyone|anybody|others|other companies|third parties))?$",
                # what the caller sells or does, what is going on, who they said they were:
                # "what are you guys selling", "whats going on here", "whod you say you were"
                r"^(?:(?:so|and|wait|um|uh|ok|okay|well|sorry|hey) )*(?:(?:what|whats|what "
                r"exactly) (?:are|do) (?:you|yall|ya)(?: guys| people| folks| all)? (?:selling|"
                r"sell|pushing|peddling|do)|(?:whats|what is) going on)(?: exactly| again| here| "
                r"now| today| for a living)?$",
                r"^(?:(?:sorry|and|so|wait|um|uh) )*whod you say (?:you (?:were|are|was)|this "
                r"(?:was|is))(?: with| from| again| calling from)?$",
                # who called before, whether the offer is binding: "who did i talk to
                # before", "do i have to switch", "is this mandatory"
                r"^(?:(?:and|so|wait|um|uh|sorry|well) )*who (?:did|have|was) i (?:talk|talked|"
                r"talking|speak|spoken|spoke|speaking) (?:to|with)(?: (?:before|last time|earlier|"
                r"already|the other day|last week|then))?$",
                r"^(?:(?:and|so|wait|um|uh|well|but) )*(?:do|would|will) i (?:have to|need to|"
                r"gotta) (?:switch|change|sign|sign up|enroll|opt in|join|upgrade|convert|do "
                r"anything)(?: (?:anything|over|up|providers?|plans?|accounts?|companies|now|"
                r"right away))?$",
                r"^(?:(?:and|so|wait|um|uh|well|but) )*(?:is|was) (?:it|this|that) (?:mandatory|"
                r"required|compulsory|optional|obligatory)(?: now| (?:to|in order to|if i want "
                r"to) (?:keep|use|renew|stay on|get|have) (?:my |the |an? |our )?\w+(?: \w+)?)?$",
                # the name asked again: "what was your name again", "whats your company called"
                r"^(?:(?:sorry|wait|um|uh|and|so) )*(?:what|whats|what is|what was) your "
                r"(?:name|company|company name|companys name|business)(?: again| called)?$",
                # the matter of the call guessed: "is this about my car loan"; "..., what is
                # this" after a statement
                r"^(?:and |so |wait |um |uh |oh )?(?:is|was) (?:this|it|that|the call) (?:call )?"
                r"(?:about|regarding|concerning|in regards to) (?:my|the|our|a|an|that|those|"
                r"some) (?:\w+ ){0,2}\w+$",
                r"\b(?:what|who) is this(?: about| call about| regarding| now)?$",
                # why the one asked for is wanted; the company doubted against someone else:
                # "why are you asking for him", "is this bugaway or someone else"
                r"^((and|but|so|wait|um|uh) )*why (are|do) you (asking|want|need|looking) (for |"
                r"about )?(him|her|them)\b",
                r"^(is this|are you|is it|this is) \w+( \w+)? or (someone|somebody|something) "
                r"else$",
                # "whats acme furniture", "what is acme": what a name the robot said is
                r"^(and |but |sorry |wait )?(whats|what is) (?!that$)(?!.*\b(?:up|new|next|time|"
                r"price|prices|cost|costs|wrong|happening|going|typical|usual|normal|average|"
                r"question)\b)"
                r"\w+( \w+)?$",
                # a short question about the caller, the call or what it is about: "where
                # are you calling from", "what does that mean", "what happens if i say yes"
                r"^(?!(?:(?:sorry|wait|huh|um|uh) )*(?:whats|what is|what was) that$)"
                r"(?=(?:\S+ ){0,8}\S+$)(?!.*\b(?:you (?:just )?say|you (?:just )?said|"
                r"what was that|"
                r"say that|again|why not|"
                r"ask|asked|asking|question|"
                r"repeat|catch|hear|cost|costs|price|prices|how much|what time|what about|"
                r"offer|offering|sell|selling|charge|charges|pay|rate|rates|suggest|recommend|"
                r"advise|usually|normally|typically|go for|run|think|hours|open|opening|close|"
                r"closing)\b)"
                r"(?=(?:(?:and|but|so|wait|hold|hang|on|sorry|hey|um|uh|ok|okay|well) )*"
                r"(?:who|whos|what|whats|where|wheres|why|which)\b)"
                r"(?=.*\b(?:you|your|youre|this|that|it|company|calling|call|data|consent|mean|"
                r"agree|agreeing|consenting|signing|"
                r"about|regarding|happens|for|information|him|her|wants|request|inquiry|"
                r"application|form)\b)",
                # how they know, why they ask, who they are: "how do you know about that", "why
                # are you asking", "do i know you", "identify yourself"
                r"^((and|but|so|wait|um|uh|well|sorry) )*(how (do|did|would|come) you (guys |"
                r"people |even )?(know|knew|find|found|hear|get|got)\b|why (are|do|would) you "
                r"(even )?(asking|ask|want to know|need to know|wanna know)( me| that| this)?$|"
                r"(do|should) i know you\b|(please )?identify yourself\b)",
                # what changes: "what changed", "whats changing exactly"
                r"^((and|so|wait|sorry|um|uh) )*(what|whats|what has|what have|what is) "
                r"(changed|changing|different|new|the change|the changes)( exactly| now)?$",
                # what the caller is asked to agree to: "agree to what", "consent for what"
                r"^((so|and|wait|sorry) )*(i )?(agree|consent|sign up|confirm|accept)( to| for)? "
                r"what( exactly| now| again)?$",
                # the thing named as a "what ... thing": "interested in what roof thing",
                # "agree to what email thing"
                r"^((so|and|wait|sorry|um|uh) )*((im|i am|were|we are|still) )?(interested|agree|"
                r"agreeing|consent|consenting|signed up|sign up) (in|to|for|with) what (\w+ ){0,2}"
                r"(thing|things|stuff|business|deal|program|service)( exactly| now| again)?$",
                # how much of it there will be: "how many texts are we talking", "how often
                # will you text me"
                r"^(?:(?:and|so|wait|um|uh|ok|okay|well) )*how (?:many|often) (?:\w+ ){0,2}"
                r"(?:are we talking(?: about)?|(?:will|would|do) you (?:send|text|call|message|"
                r"email)(?: \w+){0,2})$",
                # "and you are?", "and you?": the caller's name is asked back
                r"^(and |so |um |uh )*(you are|and you|you would be|this is)$",
            ],
        ),
    },
}


TRUSTED_PATTERNS: frozenset[str] = frozenset(
    p for table in _BUILTIN.values() for spec in table.values() for p in spec.patterns
)
"""The built-in patterns: written here, known to run in linear time, so `IntentMatcher`
runs them without the deadline it puts on a tenant's patterns (a tenant pattern of the
same text is the same safe pattern)."""


def builtin_intents(lang: str) -> dict[str, IntentSpec]:
    """Fresh copies of the global handler intents for ``lang`` ("ru-RU", "en", ...)."""
    return {name: spec.model_copy(deep=True) for name, spec in _BUILTIN[lang_of(lang)].items()}
