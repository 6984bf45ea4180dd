"""Notification's domain rules: plain Python, no Nameko, no pymongo.

- ``catalogue``: every kind of notice, the channels, and the fields each kind provides;
- ``templates``: loading, checking and rendering the Chinese template files;
- ``notices``: who hears what (targets), formatting of times and reasons;
- ``builders``: the field values of each kind of notice, from the event payload;
- ``deliveries``: delivery states, back-off, outcomes;
- ``preferences``: which channels a recipient gets;
- ``reminders``: which reminder step is due;
- ``access``: which caller may read or change what.
"""
