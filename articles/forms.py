"""The admin's forms: the article form with its conflict check, its desk moves and its tags, the article's contributors
and related picks (inline formsets, each checked as a whole), the autosave form, the share-link form, the reasons asked
for taking down, reinstating and deleting a taken-down article, internal notes, and the "Trang nhất" screen's form."""

import re

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from articles import fields, search, workflow
from articles.formatting import display_name, when
from articles.models import Article, Contribution, InternalNote, Pick, Tag
from articles.revisions import version_opened_at
from articles.text import clean_text, fold

# The name of the article form's desk buttons (their value: the move, articles/workflow.py `steps`), and of the hidden
# input holding the stage the form was opened at.
DESK_BUTTON = "_desk"
OPENED_STAGE = "opened_stage"


TAG_SEPARATOR = ","


class TagsField(forms.CharField):
    """The article's tags as typed: names in order, separated by commas, the first the primary one. A name folding to
    an existing tag's ("can tho": "Cần Thơ") is that tag; another is a new tag (made when the article is saved), for
    someone who may add tags (`may_add`). Cleans to [Tag], the new ones unsaved; each remembers what was `typed`."""

    widget = forms.TextInput(attrs={"class": "vTextField tag-input", "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Thẻ")
        kwargs.setdefault(
            "help_text",
            "Gõ tên thẻ, cách nhau bằng dấu phẩy; gõ không dấu cũng được, danh sách gợi ý thẻ có sẵn. Thẻ đầu tiên là "
            "thẻ chính. Tên chưa có thẻ nào sẽ thành thẻ mới khi lưu bài.",
        )
        super().__init__(required=False, max_length=2000, **kwargs)
        self.may_add = False

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return f"{TAG_SEPARATOR} ".join(getattr(tag, "name", str(tag)) for tag in value)
        return value

    def clean(self, value):
        typed = [name.strip() for name in clean_text(super().clean(value)).split(TAG_SEPARATOR)]
        typed = [name for name in typed if name]
        keys = [fold(name).strip() for name in typed]
        existing = {tag.folded: tag for tag in Tag.objects.filter(folded__in=keys)}
        tags, seen, errors = [], {}, []
        for name, key in zip(typed, keys, strict=True):
            if key in seen:
                errors.append(
                    f"“{name}” và “{seen[key]}” là một thẻ (giống nhau khi bỏ dấu và chữ hoa): chỉ ghi một lần."
                )
                continue
            seen[key] = name
            tag = existing.get(key) or self._new_tag(name, errors)
            if tag is not None:
                tag.typed = name
                tags.append(tag)
        if errors:
            raise forms.ValidationError(errors)
        return tags

    def _new_tag(self, name, errors):
        if not self.may_add:
            errors.append(f"Chưa có thẻ “{name}” và bạn không có quyền tạo thẻ mới: hãy chọn một thẻ có sẵn.")
            return None
        tag = Tag(name=name)
        try:
            tag.full_clean(exclude=["slug", "folded"])
        except forms.ValidationError as error:
            errors.extend(f"Thẻ mới “{name[:80]}”: {message}" for message in error.messages)
            return None
        return tag


class ArticleAdminForm(forms.ModelForm):
    """The admin's article form. It carries the version it was opened at and refuses to save over a newer one,
    re-showing everything that was typed with who saved in between (or who moved the article to another stage), when,
    and a link to what they changed. A desk button (`desk_move`) saves what was typed and makes that move, if
    articles/workflow.py allows it; if not, nothing is saved and the form says why, everything typed kept."""

    # No Meta: the admin builds the form for Article with the fields of its fieldsets. The tags are this form's own
    # field (in order, new ones made on save: `_save_m2m`), which the admin excludes from the model form's plain
    # many-to-many save (articles/admin/linked.py).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tags = TagsField()
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
    # Who opens or posts the form (articles/admin/linked.py): whether a typed tag name may make a new tag.
    user = None
    # A crafted id of a row that does not exist (or no longer does): said as what it is.
    INVALID = {
        "author": "Không có tác giả này (có thể vừa bị xoá); hãy chọn lại.",
        "section": "Không có chuyên mục này (có thể vừa bị xoá); hãy chọn lại.",
        "thread": "Không có dòng sự kiện này (có thể vừa bị xoá); hãy chọn lại.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version
        if "status" in self.fields:
            # Taking down is an act of its own, with a reason (articles/admin/takedown.py), never a status typed here.
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices if choice[0] != Article.Status.TAKEN_DOWN
            ]
        if "tags" in self.fields:
            self.fields["tags"].may_add = self.user is not None and self.user.has_perm("articles.add_tag")
            # The suggestions' script (articles/js/tags.js) asks the admin's own autocomplete, as for a select.
            self.fields["tags"].widget.attrs.update(
                {
                    "data-autocomplete-url": reverse("admin:autocomplete"),
                    "data-app-label": Article._meta.app_label,
                    "data-model-name": Article._meta.model_name,
                    "data-field-name": "tags",
                }
            )
            if self.instance.pk and not self.is_bound:
                self.initial["tags"] = [link.tag for link in self.instance.tag_links.select_related("tag")]
        for name, message in self.INVALID.items():
            if name in self.fields:
                self.fields[name].error_messages["invalid_choice"] = message
        if "author" in self.fields:
            self.fields["author"].error_messages["required"] = (
                "Bài cần tác giả (người viết đầu tiên): hãy chọn một bút danh; những người cùng thực hiện ghi ở bảng "
                "“Người cùng thực hiện” bên dưới."
            )
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

    def _save_m2m(self):
        super()._save_m2m()
        # A post without the tag input at all (a script, a form from before it existed) leaves the tags as they are.
        if "tags" in self.cleaned_data and self.add_prefix("tags") in self.data:
            self.instance.set_tags(self.cleaned_data["tags"])

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


class OrderedRowForm(forms.ModelForm):
    """A row of an ordered inline (contributors, related picks): its place may be left blank, meaning "last"."""

    position = forms.IntegerField(
        label="Thứ tự",
        required=False,
        min_value=0,
        max_value=32767,
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
    )


class OrderedFormSet(forms.BaseInlineFormSet):
    """The rows of an ordered inline, checked as a whole (`check_rows`) before the database's own unique checks, and
    a row left without a place put after the others."""

    def clean(self):
        rows = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if any(self.errors):
            return
        self.check_rows(rows)
        if any(self.errors):
            return
        super().clean()
        last = max(
            (form.cleaned_data["position"] for form in rows if form.cleaned_data["position"] is not None), default=-1
        )
        for form in rows:
            if form.cleaned_data["position"] is None:
                last += 1
                form.instance.position = form.cleaned_data["position"] = last

    def check_rows(self, rows):
        raise NotImplementedError

    def in_order(self):
        """The rows kept (not deleted), valid, as their unsaved instances, in the order saving them gives."""
        kept = [form.instance for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        return sorted(kept, key=lambda row: row.position)


class ContributionFormSet(OrderedFormSet):
    """Contributors besides the article's author (its first writer): one person (under any of their pen names) once
    per role, and the author never again as a writer."""

    def check_rows(self, rows):
        writer = Contribution.Role.WRITER
        author = self.instance.author if self.instance.author_id else None
        seen = {(author.person.pk, writer): author} if author else {}
        for form in rows:
            who, role = form.cleaned_data.get("author"), form.cleaned_data.get("role")
            if who is None or not role:
                continue
            first = seen.setdefault((who.person.pk, role), who)
            if first is who:
                continue
            label = Contribution.Role(role).label
            if first is author and role == writer and who.pk == author.pk:
                message = f"“{who}” là tác giả của bài (người viết đầu tiên): không ghi thêm ở đây là người viết."
            elif first is author and role == writer:
                message = f"“{who}” và tác giả “{author}” là cùng một người: tác giả đã là người viết đầu tiên."
            elif first.pk == who.pk:
                message = f"“{who}” được ghi hai lần với vai trò “{label}”: mỗi người một lần cho mỗi vai trò."
            else:
                message = f"“{who}” và “{first}” là bút danh của cùng một người, đã ghi vai trò “{label}”."
            form.add_error("author", message)


def pickable_or(kept):
    """What may be picked for readers to be led to (`workflow.pickable`), and the articles `kept` (ids, or a query of
    them) already picked: one unpublished since stays where it is (readers never see it) rather than block a save."""
    return Article.objects.filter(Q(pk__in=workflow.pickable().values("pk")) | Q(pk__in=kept))


class RelatedPickFormSet(OrderedFormSet):
    """Hand-picked related articles among those that may be picked: never the article itself, each once."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["related"].queryset = pickable_or(self.get_queryset().values("related"))

    def check_rows(self, rows):
        seen = set()
        for form in rows:
            related = form.cleaned_data.get("related")
            if related is None:
                continue
            if self.instance.pk and related.pk == self.instance.pk:
                form.add_error("related", "Một bài không thể liên quan tới chính nó.")
            elif related.pk in seen:
                form.add_error("related", f"Bài “{related}” đã có trong danh sách liên quan.")
            seen.add(related.pk)


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


class TagMergeForm(forms.Form):
    """Which of the selected tags is kept when they are merged (articles/admin/tags.py)."""

    kept = forms.ModelChoiceField(
        label="Giữ lại thẻ",
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Hãy chọn thẻ được giữ lại.",
            "invalid_choice": "Thẻ được giữ lại phải là một trong các thẻ đã chọn.",
        },
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kept"].queryset = tags
