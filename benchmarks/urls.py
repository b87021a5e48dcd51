"""The portal's URLs plus the benchmark's reference pages (ROOT_URLCONF=benchmarks.urls)."""

from django.urls import path

from benchmarks.bare import bare, chrome, floor
from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/bare/<slug:slug>/", bare, name="bench_bare"),
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/chrome/", chrome, name="bench_chrome"),
    *portal_urlpatterns,
]
