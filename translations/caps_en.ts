<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CustomerWindow</name>
    <message numerus="yes">
        <source>%n order(s) by ID</source>
        <translation>
            <numerusform>%n order by ID</numerusform>
            <numerusform>%n orders by ID</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DeliveryChart</name>
    <message numerus="yes">
        <source>Pickup to delivery, last %n order(s)</source>
        <translation>
            <numerusform>Pickup to delivery, the last order</numerusform>
            <numerusform>Pickup to delivery, the last %n orders</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VendorWindow</name>
    <message numerus="yes">
        <source>%n order(s) have not reached the hub.</source>
        <translation>
            <numerusform>%n order has not reached the hub.</numerusform>
            <numerusform>%n orders have not reached the hub.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>caps::ConnectionStatus</name>
    <message numerus="yes">
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>Reconnecting in %n s</numerusform>
            <numerusform>Reconnecting in %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting to %1 in %n s</source>
        <translation>
            <numerusform>Reconnecting to %1 in %n s</numerusform>
            <numerusform>Reconnecting to %1 in %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>caps::EventLogModel</name>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s)</source>
        <translation>
            <numerusform>%n order</numerusform>
            <numerusform>%n orders</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>caps::HubWatchdog</name>
    <message numerus="yes">
        <source>cannot reach hub at %1 (%2), retrying in %n s</source>
        <translation>
            <numerusform>cannot reach hub at %1 (%2), retrying in %n s</numerusform>
            <numerusform>cannot reach hub at %1 (%2), retrying in %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>caps::NotificationQueue</name>
    <message numerus="yes">
        <source>%n update(s)</source>
        <translation>
            <numerusform>%n update</numerusform>
            <numerusform>%n updates</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n earlier update(s) in the log</source>
        <translation>
            <numerusform>%n earlier update in the log</numerusform>
            <numerusform>%n earlier updates in the log</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>caps::VendorAgent</name>
    <message numerus="yes">
        <source>%1 has %2 characters; the hub takes at most %n.</source>
        <translation>
            <numerusform>%1 has %2 characters; the hub takes at most %n.</numerusform>
            <numerusform>%1 has %2 characters; the hub takes at most %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unsent order(s) kept from the last run</source>
        <translation>
            <numerusform>%n unsent order kept from the last run</numerusform>
            <numerusform>%n unsent orders kept from the last run</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) of store %1 loaded from the hub</source>
        <translation>
            <numerusform>%n order of store %1 loaded from the hub</numerusform>
            <numerusform>%n orders of store %1 loaded from the hub</numerusform>
        </translation>
    </message>
</context>
</TS>
