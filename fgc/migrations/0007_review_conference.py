"""The review FGC is a Conference of kind REVIEW (booked through fgc.services.booking), not a plain diary meeting.

No data is carried over: review meetings were only ever made by the demo, which builds
review conferences now. A diary meeting made for a review before this stays in the diary.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("fgc", "0006_preparation_sessions"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="familyplan",
            name="review_meeting",
        ),
    ]
