"""The admin's forms: the article form with its conflict check, the autosave form, the share-link form, and the
reasons asked for taking down, reinstating and deleting a taken-down article."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from articles import fields
from articles.formatting import display_name, when
from articles.models import Article
from articles.revisions import version_opened_at


class ArticleAdminForm(forms.ModelForm):
    """The admin's article form. It carries the version it was opened at and refuses to save over a newer one,
    re-showing everything that was typed with who saved in between, when, and a link to what they changed."""

    # No Meta: the admin builds the form for Article with the fields of its fieldsets.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # An autosave the user chose to restore (ArticleAdmin.get_form): it fills the form, and only Save stores it.
    restored = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version
        if "status" in self.fields:
            # Taking down is an act of its own, with a reason (articles/admin/takedown.py), never a status typed here.
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices if choice[0] != Article.Status.TAKEN_DOWN
            ]
        if not self.is_bound:
            self.initial.update(self.restored)

    def clean(self):
        cleaned = super().clean()
        # The admin loaded self.instance from the database for this request: its version is the current one.
        # Article.save() checks again in the UPDATE itself, for a save that lands between here and there.
        if self.instance.pk and cleaned.get("opened_version") != self.instance.version:
            opened = cleaned.get("opened_version")
            # Saving again after reading the message is a deliberate choice: the other save stays in the history.
            self.data = self.data.copy()
            self.data["opened_version"] = self.instance.version
            raise forms.ValidationError(self.conflict_message(opened), code="stale")
        return cleaned

    def conflict_message(self, opened):
        article = self.instance
        who = display_name(article.updated_by) if article.updated_by else "một người khác (ngoài trang quản trị)"
        version = version_opened_at(article.pk, opened) if opened else None
        if version:
            link = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
        else:
            link = reverse("admin:articles_article_history", args=[article.pk])
        photo = " Ảnh bạn vừa chọn chưa được tải lên: hãy chọn lại." if self.files.get("image") else ""
        return format_html(
            "Bài này đã được <strong>{}</strong> lưu lúc {} trong khi bạn đang sửa, nên bản của bạn chưa được lưu "
            "— mọi thứ bạn gõ vẫn còn nguyên bên dưới.{} "
            '<a href="{}">Xem khác biệt</a> giữa bản bạn mở và bản vừa được lưu, giữ lại những gì cần, rồi bấm '
            "Lưu lần nữa để lưu bản của bạn (bản của họ vẫn còn trong lịch sử).",
            who,
            when(article.updated_at, seconds=True),
            photo,
            link,
        )


class ShareLinkForm(forms.Form):
    hours = forms.TypedChoiceField(
        label="Mở được trong",
        choices=[(1, "1 giờ"), (24, "1 ngày"), (72, "3 ngày"), (168, "7 ngày")],
        coerce=int,
        initial=24,
    )


class AutosaveForm(forms.Form):
    """What the autosave script posts: the typed text (``fields.typed()``, never the photo file), within the article's
    own limits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in forms.fields_for_model(Article, fields=fields.typed()).items():
            field.required = False  # half-typed is exactly what an autosave is for
            self.fields[name] = field


class ReasonForm(forms.Form):
    """A reason, required: blank or spaces only is refused, on the same form, with everything else kept."""

    reason = forms.CharField(
        label="Lý do",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Hãy ghi lý do: việc này được ghi vào nhật ký cùng tên bạn."},
        max_length=2000,
    )


class TakedownForm(ReasonForm):
    show_headline = forms.BooleanField(
        label="Trang báo bài đã gỡ vẫn ghi tiêu đề bài",
        required=False,
        help_text="Để trống: bạn đọc chỉ thấy thông báo bài đã bị gỡ, không thấy tiêu đề.",
    )
