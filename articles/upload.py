"""CKEditor inline image uploads, checked by ``validate_image`` before anything is stored.

Wired in ``newsroom/urls.py`` as ``path("ckeditor/upload/", upload_image, name="ckeditor_upload")`` *before*
``include("ckeditor_uploader.urls")``, so it replaces django-ckeditor's own upload view (which trusts the file
extension and keeps the uploader's file name) while the browse view still comes from django-ckeditor.

Responses follow what CKEditor 4 expects:

* Image dialog "Upload" tab (``?CKEditorFuncNum=N``): an HTML page, loaded in the dialog's iframe, whose script calls
  ``window.parent.CKEDITOR.tools.callFunction(N, url, message)``; on refusal ``url`` is "" and ``message`` the
  Vietnamese reason.
* Drag & drop / paste (``?responseType=json``, no CKEditorFuncNum): JSON ``{"uploaded": 1, "fileName", "url"}``, or
  ``{"uploaded": 0, "error": {"message": ...}}`` with HTTP 200 (CKEditor only shows the server's message on a 2xx).
"""

import os
import re
import uuid

from ckeditor_uploader.utils import storage
from ckeditor_uploader.views import get_upload_filename
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escapejs
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.images import IMAGE_EXTENSIONS, validate_image

NO_FILE_MESSAGE = "Không nhận được tệp ảnh nào. Vui lòng chọn ảnh rồi thử lại."

_FUNC_NUM = re.compile(r"\d{1,10}")


def _func_num(request):
    """CKEditor's callback number for dialog uploads, or None (JSON reply). Only digits are ever echoed into JS."""
    value = request.GET.get("CKEditorFuncNum", "")
    return value if _FUNC_NUM.fullmatch(value) else None


def _dialog_response(func_num, url="", message=""):
    return HttpResponse(
        "<!DOCTYPE html>\n<script>"
        f"window.parent.CKEDITOR.tools.callFunction({func_num}, '{escapejs(url)}', '{escapejs(message)}');"
        "</script>",
        content_type="text/html; charset=utf-8",
    )


def _refusal(request, message):
    func_num = _func_num(request)
    if func_num is not None:
        return _dialog_response(func_num, "", message)
    return JsonResponse({"uploaded": 0, "error": {"message": message}})


# CSRF: exempt, exactly like django-ckeditor's own upload view. CKEditor's dialog form and its drag/paste XHR do not
# send Django's CSRF token; cross-site POSTs still carry no session cookie (SESSION_COOKIE_SAMESITE = "Lax"), and the
# worst a forged upload could do is store a valid image under a random name.
@csrf_exempt
@staff_member_required
@require_POST
@never_cache
@xframe_options_sameorigin  # the dialog's upload answer is loaded in a same-origin iframe; DENY would break it
def upload_image(request):
    """Store an image uploaded from CKEditor under CKEDITOR_UPLOAD_PATH with a random name, after validate_image."""
    upload = request.FILES.get("upload")
    if upload is None:
        return _refusal(request, NO_FILE_MESSAGE)
    try:
        image_format = validate_image(upload)
    except ValidationError as exc:
        return _refusal(request, " ".join(exc.messages))

    # Random name with the extension of the *detected* format; the client's file name is never used, so it cannot
    # escape the upload folder or pass an .html off as an image. get_upload_filename adds django-ckeditor's
    # CKEDITOR_UPLOAD_PATH/<yyyy/mm/dd>/ prefix, so the browse view finds the file.
    name = get_upload_filename(f"{uuid.uuid4().hex}.{IMAGE_EXTENSIONS[image_format]}", request)
    saved_path = storage.save(name, upload)
    url = storage.url(saved_path)

    func_num = _func_num(request)
    if func_num is not None:
        return _dialog_response(func_num, url)
    return JsonResponse({"uploaded": 1, "fileName": os.path.basename(saved_path), "url": url})
