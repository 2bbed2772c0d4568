"""The admin's forms: the article form with its conflict check and its desk moves, the autosave form, the share-link
form, the reasons asked for taking down, reinstating and deleting a taken-down article, and internal notes."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from articles import fields, workflow
from articles.formatting import display_name, when
from articles.models import Article, InternalNote
from articles.revisions import version_opened_at

# The name of the article form's desk buttons (their value: the move, articles/workflow.py `steps`), and of the hidden
# input holding the stage the form was opened at.
DESK_BUTTON = "_desk"
OPENED_STAGE = "opened_stage"


class ArticleAdminForm(forms.ModelForm):
    """The admin's article form. It carries the version it was opened at and refuses to save over a newer one,
    re-showing everything that was typed with who saved in between (or who moved the article to another stage), when,
    and a link to what they changed. A desk button (`desk_move`) saves what was typed and makes that move, if
    articles/workflow.py allows it; if not, nothing is saved and the form says why, everything typed kept."""

    # No Meta: the admin builds the form for Article with the fields of its fieldsets.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    desk_reason = forms.CharField(
        label="Lý do trả lại",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bắt buộc khi trả bài; người viết thấy lý do này trên bài và ở trang đầu của họ.",
    )
    # An autosave the user chose to restore (ArticleAdmin.get_form): it fills the form, and only Save stores it.
    restored = {}
    # Who posts the form and which desk button they pressed (articles/admin/desk.py); the move, once allowed.
    desk_user = None
    desk_move = None
    desk_step = None

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
            moved = self.data.get(OPENED_STAGE, str(self.instance.stage_id or "")) != str(self.instance.stage_id or "")
            self.data[OPENED_STAGE] = self.instance.stage_id or ""
            if moved:
                raise forms.ValidationError(
                    f"{workflow.moved_first(self.instance)} Bài chưa được lưu; mọi thứ bạn gõ vẫn còn nguyên bên dưới.",
                    code="moved",
                )
            raise forms.ValidationError(self.conflict_message(opened), code="stale")
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # the instance now holds what was typed
        if not self.desk_move or self._errors:
            return
        if "status" in self.changed_data:
            self.add_error(None, "Hoặc đổi trạng thái, hoặc bấm một nút chuyển khâu: không cả hai cùng lúc.")
            return
        try:
            reason = self.cleaned_data.get("desk_reason", "")
            self.desk_step = workflow.check_move(self.instance, self.desk_user, self.desk_move, reason=reason)
        except workflow.Refused as refused:
            self.add_error(None, f"Bài chưa được lưu: {refused}")

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


class NoteForm(forms.ModelForm):
    """An internal note: its text, required (blank or spaces only refused on the same page, with what was typed)."""

    class Meta:
        model = InternalNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"text": "Chỉ người trong tòa soạn đọc được. Gõ @tên để báo cho đồng nghiệp."}
        error_messages = {"text": {"required": "Ghi chú trống: hãy viết nội dung."}}

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Ghi chú trống: hãy viết nội dung.")
        return text
