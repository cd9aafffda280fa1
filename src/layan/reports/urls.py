from django.urls import path

from . import views_import as imports
from . import views_privacy as privacy
from . import views_public as public
from . import views_staff as staff

app_name = "reports"

urlpatterns = [
    # citizens and the public (views_public.py)
    path("lapor/", public.submit, name="submit"),
    path("lapor/terkirim/<str:number>/<str:secret>/", public.submitted, name="submitted"),
    path("lacak/", public.track, name="track"),
    path("lacak/<str:number>/<str:secret>/", public.reporter_page, name="reporter"),
    path("lacak/<str:number>/<str:secret>/data-saya/", privacy.my_data, name="my-data"),
    path("lacak/<str:number>/<str:secret>/hapus-data/", privacy.erase_my_data, name="erase-my-data"),
    path("laporan/", public.public_list, name="public-list"),
    path("laporan/<str:number>/", public.public_detail, name="public-detail"),
    path("laporan/<str:number>/dukung/", public.support, name="support"),
    path("laporan/<str:number>/ikuti/", public.follow, name="follow"),
    path("laporan/<str:number>/ikuti/<str:token>/", public.follow_confirm, name="follow-confirm"),
    path("lampiran/<str:public_id>/", public.attachment, name="attachment"),
    # staff (views_staff.py)
    path("staf/laporan/", staff.inbox, name="inbox"),
    path("staf/laporan/aksi-massal/", staff.bulk_action, name="bulk-action"),
    path("staf/laporan/<str:number>/", staff.detail, name="staff-detail"),
    path("staf/laporan/<str:number>/aksi/<str:action>/", staff.act, name="act"),
    path("staf/catat/", staff.intake, name="intake"),
    path("staf/cari-penelepon/", staff.lookup, name="lookup"),
    # import of an old system's reports (views_import.py)
    path("staf/impor/", imports.upload, name="import"),
    path("staf/impor/templat.csv", imports.template, name="import-template"),
    path("staf/impor/hasil/", imports.result, name="import-result"),
    path("staf/impor/<str:digest>/", imports.check, name="import-check"),
    path("staf/impor/<str:digest>/batal/", imports.cancel, name="import-cancel"),
]
