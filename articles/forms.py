"""The admin's forms: the article form with its conflict check and its desk moves, the autosave form, the share-link
form, the reasons asked for taking down, reinstating and deleting a taken-down article, internal notes, and the
"Trang nhất" screen's form."""

import re

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from articles import fields, search, workflow
from articles.formatting import display_name, when
from articles.models import Article, InternalNote, Pick
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


# The datetime-local input sends ISO 8601 without seconds; Django's DateTimeField reads it.
LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FrontPageForm(forms.Form):
    """The "Trang nhất" screen as posted: the arrangement it was opened at, a slot per lead and featured story (its
    article's id, "hiện đến", pinned), the breaking news, and the search words. A crafted POST with more slots than the
    page has, an article twice, or ids that are not numbers is refused with a message; whether the articles may be
    picked is `workflow.arrange_front`'s to say."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**63 - 1)
    breaking_text = forms.CharField(label="Tin nóng", max_length=200, required=False)
    breaking_article = forms.IntegerField(
        label="Bài của tin nóng (số ID, không bắt buộc)", required=False, min_value=1, max_value=2**63 - 1
    )
    breaking_until = forms.DateTimeField(label="Tin nóng hiện đến", required=False, widget=LOCAL_TIME)
    q = forms.CharField(label="Tìm bài", required=False, max_length=search.MAX_QUERY_LENGTH)

    SLOT = re.compile(r"^slot-(\d+)-")

    def __init__(self, *args, size, **kwargs):
        super().__init__(*args, **kwargs)
        self.size = size
        for i in range(size):
            self.fields[f"slot-{i}-article"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
            )
            self.fields[f"slot-{i}-until"] = forms.DateTimeField(label="Hiện đến", required=False, widget=LOCAL_TIME)
            self.fields[f"slot-{i}-pinned"] = forms.BooleanField(label="Ghim", required=False)

    @classmethod
    def initial_for(cls, based_on, picks, breaking=("", None, None)):
        """The form's values for an arrangement: `picks` (`Pick`s) and `breaking` (text, article id, end time)."""
        values = {"based_on": based_on, "breaking_text": breaking[0]}
        values.update(breaking_article=breaking[1], breaking_until=breaking[2])
        for i, pick in enumerate(picks):
            values.update({f"slot-{i}-article": pick.article, f"slot-{i}-until": pick.until})
            values[f"slot-{i}-pinned"] = pick.pinned
        return values

    def clean(self):
        cleaned = super().clean()
        indexes = {int(match[1]) for name in self.data if (match := self.SLOT.match(name))}
        if indexes and max(indexes) >= self.size:
            raise forms.ValidationError(
                f"Trang nhất có {self.size} ô (1 tiêu điểm và {self.size - 1} tin nổi bật); không đặt thêm được.",
                code="too_many",
            )
        ids = [cleaned.get(f"slot-{i}-article") for i in range(self.size)]
        ids = [pk for pk in ids if pk]
        if len(set(ids)) != len(ids):
            raise forms.ValidationError("Mỗi bài chỉ được đặt vào một ô của trang nhất.", code="twice")
        return cleaned

    def picks(self):
        """The slots as posted (`Pick`s, the lead first); call after is_valid()."""
        data = self.cleaned_data
        return [
            Pick(data.get(f"slot-{i}-article"), data.get(f"slot-{i}-until"), bool(data.get(f"slot-{i}-pinned")))
            for i in range(self.size)
        ]

    def breaking(self):
        data = self.cleaned_data
        return (data.get("breaking_text") or "", data.get("breaking_article"), data.get("breaking_until"))
