from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path("adgangskode/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "adgangskode/skiftet/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("glemt-adgangskode/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "glemt-adgangskode/sendt/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "nulstil/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "nulstil/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mine-organisationer/", views.my_organisations, name="my_organisations"),
    path("rolletilbud/<int:pk>/svar/", views.role_offer_answer, name="role_offer_answer"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
    path("brugere/", views.user_list, name="user_list"),
    path("brugere/inviter/", views.user_invite, name="user_invite"),
    path("brugere/<int:pk>/", views.user_detail, name="user_detail"),
    path("brugere/<int:pk>/deaktiver/", views.user_deactivate, name="user_deactivate"),
    path("brugere/<int:pk>/genaktiver/", views.user_reactivate, name="user_reactivate"),
    path("brugere/<int:pk>/ophaev-spaerring/", views.user_unlock, name="user_unlock"),
    path(
        "medlemskaber/<int:pk>/rolle/",
        views.membership_change_role,
        name="membership_change_role",
    ),
    path("medlemskaber/<int:pk>/fjern/", views.membership_revoke, name="membership_revoke"),
]
