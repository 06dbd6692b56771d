from django.urls import path

from families import views

app_name = "families"

urlpatterns = [
    path("families/", views.family_list, name="family_list"),
    path("families/<int:pk>/", views.family_detail, name="family_detail"),
    path("care-leavers/", views.care_leaver_list, name="care_leaver_list"),
    path("care-leavers/<int:pk>/", views.care_leaver_detail, name="care_leaver_detail"),
]
