"""Content negotiation: none. REST framework imports the class named in settings while it defines its APIView, so it
lives apart from the views."""

from rest_framework.negotiation import BaseContentNegotiation


class JsonOnly(BaseContentNegotiation):
    """JSON whatever the Accept header asks: one representation per URL, so neither the page cache nor an HTTP cache
    needs to vary on Accept, and no client gets a 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
