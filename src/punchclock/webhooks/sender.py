"""One signed POST to a vetted public address (being written by the delivery work; signatures fixed here).

async def post(url: str, body: bytes, secret: str, *, settings: Settings, event_id: int, attempt: int,
               read_answer: bool = False) -> Outcome
"""
