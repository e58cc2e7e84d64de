"""What the application answers a client who replied (where the channel lets it answer for free:
Telegram's button answers and chat replies), in the client's language: English, Russian, Spanish."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "confirmed": {
        "en": "Thank you, your visit is confirmed.",
        "ru": "Спасибо, ваша запись подтверждена.",
        "es": "Gracias, tu cita está confirmada.",
    },
    "cancelled": {
        "en": "Your visit is cancelled.",
        "ru": "Ваша запись отменена.",
        "es": "Tu cita está cancelada.",
    },
    "no_visit": {
        "en": "There is no visit waiting for an answer.",
        "ru": "Нет записи, ожидающей ответа.",
        "es": "No hay ninguna cita pendiente de respuesta.",
    },
    "too_late": {
        "en": "It is too late to cancel online: please call the salon.",
        "ru": "Отменить онлайн уже нельзя: пожалуйста, позвоните в салон.",
        "es": "Ya es tarde para cancelar en línea: llama al salón, por favor.",
    },
    "not_possible": {
        "en": "That is no longer possible: please call the salon.",
        "ru": "Это уже невозможно: пожалуйста, позвоните в салон.",
        "es": "Eso ya no es posible: llama al salón, por favor.",
    },
    "expired": {
        "en": "This button has expired.",
        "ru": "Эта кнопка больше не действует.",
        "es": "Este botón ya no es válido.",
    },
    "stopped": {
        "en": "You will get no more offers from us here.",
        "ru": "Здесь вы больше не будете получать от нас предложения.",
        "es": "No recibirás más ofertas aquí.",
    },
    "started": {
        "en": "Welcome back: messages are on again.",
        "ru": "С возвращением: сообщения снова включены.",
        "es": "¡Hola de nuevo! Los mensajes vuelven a estar activos.",
    },
    "linked": {
        "en": "Done: your visit messages will come here.",
        "ru": "Готово: сообщения о записях будут приходить сюда.",
        "es": "Listo: los mensajes de tus citas llegarán aquí.",
    },
    "link_used": {
        "en": "This link has been used already or has expired. Open the latest one from your booking.",
        "ru": "Эта ссылка уже использована или устарела. Откройте последнюю ссылку из вашей записи.",
        "es": "Este enlace ya se usó o caducó. Abre el último enlace de tu cita.",
    },
}


def say(key: str, language: str | None) -> str:
    texts = PHRASES[key]
    tag = (language or "en").replace("-", "_").split("_")[0].lower()
    return texts.get(tag, texts["en"])
