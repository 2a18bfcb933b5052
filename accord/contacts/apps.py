from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "accord.contacts"
    label = "contacts"
