from django.conf import settings


def site(request):
    """The publication's name, for page titles, Open Graph and the Google News sitemap alike."""
    return {"site_name": settings.SITE_NAME}
