from django.contrib import admin

from .models import Interview, Reminder, ReminderPlan, Schedule, ScheduleBreak


class ScheduleBreakInline(admin.TabularInline):
    model = ScheduleBreak
    extra = 1


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["branch", "officer", "weekdays", "day_start", "day_end", "slot_minutes"]
    list_filter = ["branch__region"]
    inlines = [ScheduleBreakInline]


@admin.register(ReminderPlan)
class ReminderPlanAdmin(admin.ModelAdmin):
    list_display = ["branch", "offsets_minutes"]


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    can_delete = False
    readonly_fields = ("offset_minutes", "due_at", "status", "claimed_at", "sent_at", "message", "note")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["claim", "officer", "starts_at", "channel", "status"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["claim", "officer", "created_by"]
    # The status moves through interviews.services.interview_transition() alone, which checks
    # the table, cancels the reminders and tells the claimant; here it is shown, not edited.
    readonly_fields = ["status", "booked_by", "claimant_confirmed_at", "phone_call_requested", "created_at"]
    inlines = [ReminderInline]
