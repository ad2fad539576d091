"""Load through the real HTTP stack: a burst of questions from many users, every one answered exactly once."""

from __future__ import annotations

from collections import Counter

pytest_plugins = ["tests.bot_harness"]

TOWNS = [
    (f"{town} news", f"{town.lower()}.md", f"The {town} bakery sells {loaves} loaves of rye bread daily.", None, None)
    for town, loaves in [("Aldport", 120), ("Brimley", 45), ("Cosham", 300), ("Dunmere", 75), ("Elford", 210)]
]
QUESTIONS = {f"How many loaves does the {town.split()[0]} bakery sell?": town for town, *_ in TOWNS}
USERS, PER_USER = 20, 10


async def test_a_burst_of_200_questions_from_20_users_is_answered_200_times_with_none_duplicated(run_bot, make_library):
    bot = await run_bot(make_library(*TOWNS))
    people = [bot.new_user(f"Load{n}") for n in range(USERS)]
    chats = [bot.private(person) for person in people]
    questions = list(QUESTIONS)
    mark = bot.server.mark()
    asked: dict[int, Counter] = {chat.id: Counter() for chat in chats}
    for round_ in range(PER_USER):
        for n, (person, chat) in enumerate(zip(people, chats, strict=True)):
            question = questions[(n + round_) % len(questions)]
            bot.server.send_text(chat, person, question)
            asked[chat.id][question] += 1
    replies = await bot.server.wait_sent_async(None, USERS * PER_USER, seconds=60, since=mark)
    # One more round trip: a duplicate still on its way would show up as an extra reply.
    assert len(await bot.replies_after(mark, chats[0], people[0])) == PER_USER
    assert len(bot.server.sent(None, "sendMessage", since=mark)) == USERS * PER_USER + 1
    for chat in chats:
        got = Counter(call.text.splitlines()[1] for call in replies if call.chat_id == chat.id)
        expected = Counter({f"— {QUESTIONS[question]}": times for question, times in asked[chat.id].items()})
        assert got == expected
