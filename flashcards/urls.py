from django.urls import path

from flashcards.views import cards, decks, review, settings, stats, transfer

app_name = "flashcards"

urlpatterns = [
    path("review/", review.review, name="review"),
    path("review/rate/", review.rate, name="rate"),
    path("review/undo/", review.undo, name="undo"),
    path("review/cards/<int:card_id>/hide/", review.hide, name="hide"),
    path("stats/", stats.stats, name="stats"),
    path("cards/", cards.card_list, name="cards"),
    path("cards/new/", cards.card_new, name="card-new"),
    path("cards/<int:card_id>/", cards.card_detail, name="card"),
    path("cards/<int:card_id>/edit/", cards.card_edit_view, name="card-edit"),
    path("cards/<int:card_id>/delete/", cards.card_delete_view, name="card-delete"),
    path("cards/<int:card_id>/suspend/", cards.card_suspend_view, name="card-suspend"),
    path("decks/", decks.deck_list, name="decks"),
    path("decks/<slug:slug>/pause/", decks.deck_pause_view, name="deck-pause"),
    path("decks/<slug:slug>/export.csv", transfer.export_csv, name="export-csv"),
    path("decks/<slug:slug>/export.apkg", transfer.export_apkg, name="export-apkg"),
    path("import/", transfer.import_csv_view, name="import"),
    path("settings/", settings.settings_view, name="settings"),
]
