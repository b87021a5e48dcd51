"""The portal's URLs plus the benchmark's bare reference page (ROOT_URLCONF=benchmarks.urls)."""

from django.urls import path

from benchmarks.bare import bare
from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/bare/<slug:slug>/", bare, name="bench_bare"),
    *portal_urlpatterns,
]
