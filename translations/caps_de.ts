<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CustomerWindow</name>
    <message>
        <source>&amp;Track</source>
        <translation>&amp;Verfolgen</translation>
    </message>
    <message>
        <source>&amp;Track…</source>
        <translation>&amp;Verfolgen…</translation>
    </message>
    <message>
        <source>Order ID</source>
        <translation>Bestellnummer</translation>
    </message>
    <message>
        <source>Customer name</source>
        <translation>Kundenname</translation>
    </message>
    <message>
        <source>e.g. 0d6c5e2a-4f4b-4c9e-9a57-…</source>
        <translation>z. B. 0d6c5e2a-4f4b-4c9e-9a57-…</translation>
    </message>
    <message>
        <source>e.g. Ada Lovelace</source>
        <translation>z. B. Ada Lovelace</translation>
    </message>
    <message>
        <source>Track &amp;by:</source>
        <translation>Verfolgen &amp;nach:</translation>
    </message>
    <message>
        <source>Nothing tracked yet: enter an order ID or your name above.</source>
        <translation>Noch nichts verfolgt: oben eine Bestellnummer oder Ihren Namen eingeben.</translation>
    </message>
    <message>
        <source>Cannot track %1: %2</source>
        <translation>%1 kann nicht verfolgt werden: %2</translation>
    </message>
    <message>
        <source>Order delivered</source>
        <translation>Bestellung zugestellt</translation>
    </message>
    <message>
        <source>Your order %1 has been delivered</source>
        <translation>Ihre Bestellung %1 wurde zugestellt</translation>
    </message>
    <message>
        <source>Order cancelled</source>
        <translation>Bestellung storniert</translation>
    </message>
    <message>
        <source>Your order %1 was cancelled by the store</source>
        <translation>Ihre Bestellung %1 wurde vom Geschäft storniert</translation>
    </message>
    <message>
        <source>customer “%1” (&lt;a href=&quot;untrack:%2&quot;&gt;stop&lt;/a&gt;)</source>
        <translation>Kunde „%1“ (&lt;a href=&quot;untrack:%2&quot;&gt;beenden&lt;/a&gt;)</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) by ID</source>
        <translation>
            <numerusform>%n Bestellung nach Nummer</numerusform>
            <numerusform>%n Bestellungen nach Nummer</numerusform>
        </translation>
    </message>
    <message>
        <source>Following %1</source>
        <translation>Verfolgt: %1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>Tracking</source>
        <extracomment>The customer window&apos;s title: whom it follows</extracomment>
        <translation>Sendungsverfolgung</translation>
    </message>
    <message>
        <source>Tracking for %1</source>
        <translation>Sendungsverfolgung für %1</translation>
    </message>
</context>
<context>
    <name>DeliveryChart</name>
    <message>
        <source>Delivery times</source>
        <translation>Lieferzeiten</translation>
    </message>
    <message>
        <source>Pickup to delivery</source>
        <translation>Abholung bis Zustellung</translation>
    </message>
    <message>
        <source>delivered at</source>
        <translation>zugestellt um</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>%1
%2 s from pickup to delivery</source>
        <translation>%1
%2 s von der Abholung bis zur Zustellung</translation>
    </message>
    <message>
        <source>Pickup to delivery: no delivery yet</source>
        <translation>Abholung bis Zustellung: noch keine Zustellung</translation>
    </message>
    <message numerus="yes">
        <source>Pickup to delivery, last %n order(s)</source>
        <translation>
            <numerusform>Abholung bis Zustellung, letzte Bestellung</numerusform>
            <numerusform>Abholung bis Zustellung, letzte %n Bestellungen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DriverWindow</name>
    <message>
        <source>Confirm &amp;pickup</source>
        <translation>&amp;Abholung bestätigen</translation>
    </message>
    <message>
        <source>Mark &amp;delivered</source>
        <translation>Als &amp;zugestellt markieren</translation>
    </message>
    <message>
        <source>&amp;Auto-drive</source>
        <translation>A&amp;utofahrt</translation>
    </message>
    <message>
        <source>Show deli&amp;vered</source>
        <translation>&amp;Zugestellte zeigen</translation>
    </message>
    <message>
        <source>&amp;Orders</source>
        <translation>&amp;Bestellungen</translation>
    </message>
    <message>
        <source>Emit in-transit for the selected order</source>
        <translation>in-transit für die gewählte Bestellung senden</translation>
    </message>
    <message>
        <source>Emit delivered for the selected order</source>
        <translation>delivered für die gewählte Bestellung senden</translation>
    </message>
    <message>
        <source>Pick up and deliver every order by itself, like the lab&apos;s driver</source>
        <translation>Jede Bestellung selbst abholen und zustellen, wie der Fahrer des Labors</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>From the pickup event to in-transit</source>
        <translation>Vom pickup-Ereignis bis in-transit</translation>
    </message>
    <message>
        <source>From the pickup event to delivered; at least the in-transit delay</source>
        <translation>Vom pickup-Ereignis bis delivered; mindestens die in-transit-Verzögerung</translation>
    </message>
    <message>
        <source>Orders waiting for pickup</source>
        <translation>Bestellungen, die auf Abholung warten</translation>
    </message>
    <message>
        <source>Driving</source>
        <translation>Fahren</translation>
    </message>
    <message>
        <source>In transit after:</source>
        <translation>Unterwegs nach:</translation>
    </message>
    <message>
        <source>Delivered after:</source>
        <translation>Zugestellt nach:</translation>
    </message>
    <message>
        <source>Delivered %1</source>
        <translation>%1 zugestellt</translation>
    </message>
    <message>
        <source>Driver at %1</source>
        <extracomment>The driver window&apos;s title: the hub it drives for</extracomment>
        <translation>Fahrer bei %1</translation>
    </message>
    <message>
        <source>Waiting for pickup: %1 · in transit: %2</source>
        <translation>Warten auf Abholung: %1 · unterwegs: %2</translation>
    </message>
</context>
<context>
    <name>NewOrderDialog</name>
    <message>
        <source>New order</source>
        <translation>Neue Bestellung</translation>
    </message>
    <message>
        <source>Edit refused order</source>
        <translation>Abgelehnte Bestellung bearbeiten</translation>
    </message>
    <message>
        <source>The hub refused this order: %1</source>
        <translation>Der Hub hat diese Bestellung abgelehnt: %1</translation>
    </message>
    <message>
        <source>Send &amp;again</source>
        <translation>&amp;Erneut senden</translation>
    </message>
    <message>
        <source>Ready for &amp;pickup</source>
        <translation>Bereit zur &amp;Abholung</translation>
    </message>
    <message>
        <source>&amp;Shuffle</source>
        <translation>&amp;Mischen</translation>
    </message>
    <message>
        <source>Another random customer and address</source>
        <translation>Ein anderer zufälliger Kunde mit Adresse</translation>
    </message>
    <message>
        <source>Store:</source>
        <translation>Geschäft:</translation>
    </message>
    <message>
        <source>Order &amp;ID:</source>
        <translation>Bestell&amp;nummer:</translation>
    </message>
    <message>
        <source>&amp;Customer:</source>
        <translation>&amp;Kunde:</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>&amp;Adresse:</translation>
    </message>
    <message>
        <source>The customer&apos;s name is missing.</source>
        <translation>Der Name des Kunden fehlt.</translation>
    </message>
    <message>
        <source>The address is missing.</source>
        <translation>Die Adresse fehlt.</translation>
    </message>
</context>
<context>
    <name>OrderCard</name>
    <message>
        <source>Stop tracking this order</source>
        <translation>Diese Bestellung nicht mehr verfolgen</translation>
    </message>
    <message>
        <source>Stop tracking %1</source>
        <translation>%1 nicht mehr verfolgen</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>von %1</translation>
    </message>
    <message>
        <source>Waiting for news from the hub…</source>
        <translation>Warte auf Nachricht vom Hub…</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <source>Order %1: %2</source>
        <translation>Bestellung %1: %2</translation>
    </message>
</context>
<context>
    <name>OrderProgress</name>
    <message>
        <source>No news yet</source>
        <translation>Noch keine Nachricht</translation>
    </message>
    <message>
        <source>Ordered</source>
        <translation>Bestellt</translation>
    </message>
    <message>
        <source>Picked up</source>
        <translation>Abgeholt</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>Unterwegs</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
</context>
<context>
    <name>VendorWindow</name>
    <message>
        <source>&amp;New order…</source>
        <translation>&amp;Neue Bestellung…</translation>
    </message>
    <message>
        <source>&amp;Edit and send again…</source>
        <translation>&amp;Bearbeiten und erneut senden…</translation>
    </message>
    <message>
        <source>&amp;Drop unsent order</source>
        <translation>Ungesendete Bestellung &amp;verwerfen</translation>
    </message>
    <message>
        <source>&amp;Cancel order</source>
        <translation>Bestellung &amp;stornieren</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>&amp;Beitreten</translation>
    </message>
    <message>
        <source>Prepare a new order for pickup (%1)</source>
        <translation>Eine neue Bestellung zur Abholung vorbereiten (%1)</translation>
    </message>
    <message>
        <source>Change the refused order and send it to the hub again</source>
        <translation>Die abgelehnte Bestellung ändern und erneut an den Hub senden</translation>
    </message>
    <message>
        <source>Forget an order the hub refused or has not received</source>
        <translation>Eine Bestellung verwerfen, die der Hub abgelehnt oder nicht erhalten hat</translation>
    </message>
    <message>
        <source>Withdraw an order that no driver has taken yet</source>
        <translation>Eine Bestellung zurückziehen, die noch kein Fahrer übernommen hat</translation>
    </message>
    <message>
        <source>&amp;Orders</source>
        <translation>&amp;Bestellungen</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Bestellungen</translation>
    </message>
    <message>
        <source>&amp;Store:</source>
        <translation>&amp;Geschäft:</translation>
    </message>
    <message>
        <source>store name</source>
        <translation>Name des Geschäfts</translation>
    </message>
    <message>
        <source>The store (room) this vendor joins</source>
        <translation>Das Geschäft (der Raum), dem dieser Händler beitritt</translation>
    </message>
    <message>
        <source>Order %1 sent again</source>
        <translation>Bestellung %1 erneut gesendet</translation>
    </message>
    <message>
        <source>Cancelling order %1…</source>
        <translation>Storniere Bestellung %1…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) have not reached the hub.</source>
        <translation>
            <numerusform>%n Bestellung hat den Hub nicht erreicht.</numerusform>
            <numerusform>%n Bestellungen haben den Hub nicht erreicht.</numerusform>
        </translation>
    </message>
    <message>
        <source>They are kept and sent when this store&apos;s window opens again. Quit now?</source>
        <translation>Sie werden behalten und gesendet, wenn das Fenster dieses Geschäfts wieder geöffnet wird. Jetzt beenden?</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Order refused</source>
        <translation>Bestellung abgelehnt</translation>
    </message>
    <message>
        <source>The hub refused order %1: %2</source>
        <translation>Der Hub hat Bestellung %1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>Order %1 was not cancelled: %2</source>
        <translation>Bestellung %1 wurde nicht storniert: %2</translation>
    </message>
    <message>
        <source>Waiting for pickup: %1 · in transit: %2 · delivered: %3</source>
        <translation>Warten auf Abholung: %1 · unterwegs: %2 · zugestellt: %3</translation>
    </message>
    <message>
        <source>Order delivered</source>
        <translation>Bestellung zugestellt</translation>
    </message>
    <message>
        <source>Order %1 sent: ready for pickup</source>
        <translation>Bestellung %1 gesendet: bereit zur Abholung</translation>
    </message>
    <message>
        <source>Order %1 queued: it goes to the hub once connected</source>
        <translation>Bestellung %1 wartet: sie geht an den Hub, sobald er erreichbar ist</translation>
    </message>
</context>
<context>
    <name>caps</name>
    <message>
        <source>Hub URL (default %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run in the terminal, without a window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give up (exit code 2) when the hub stays unreachable this long; 0 retries for ever (default).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access token for a hub in token mode (default: the CAPS_TOKEN environment variable).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TOKEN</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>caps::CapsMainWindow</name>
    <message>
        <source>The hub refused the connection: %1</source>
        <translation>Der Hub hat die Verbindung abgelehnt: %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Connect to &amp;hub…</source>
        <translation>Mit &amp;Hub verbinden…</translation>
    </message>
    <message>
        <source>Connect to hub</source>
        <translation>Mit Hub verbinden</translation>
    </message>
    <message>
        <source>Hub &amp;URL:</source>
        <translation>Hub-&amp;URL:</translation>
    </message>
    <message>
        <source>“%1” is not a hub URL.</source>
        <translation>„%1“ ist keine Hub-URL.</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Appearance</source>
        <translation>&amp;Erscheinungsbild</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>&amp;System</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About %1</source>
        <translation>Ü&amp;ber %1</translation>
    </message>
    <message>
        <source>About %1</source>
        <translation>Über %1</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt; %2&lt;/p&gt;&lt;p&gt;Code Academy Parcel Service: vendors, drivers and customers around a Socket.IO hub.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt; %2&lt;/p&gt;&lt;p&gt;Code Academy Parcel Service: Händler, Fahrer und Kunden um einen Socket.IO-Hub.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
</context>
<context>
    <name>caps::ConnectionIndicator</name>
    <message>
        <source>Connection: %1</source>
        <translation>Verbindung: %1</translation>
    </message>
</context>
<context>
    <name>caps::ConnectionStatus</name>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Verbinde neu…</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>Neuer Versuch in %n s</numerusform>
            <numerusform>Neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Reconnected to %1; the hub kept this session</source>
        <translation>Wieder mit %1 verbunden; der Hub hat diese Sitzung behalten</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message>
        <source>Reconnecting to %1…</source>
        <translation>Neue Verbindung mit %1…</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting to %1 in %n s</source>
        <translation>
            <numerusform>Neue Verbindung mit %1 in %n s</numerusform>
            <numerusform>Neue Verbindung mit %1 in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected to a hub</source>
        <translation>Mit keinem Hub verbunden</translation>
    </message>
    <message>
        <source>Not connected to %1</source>
        <translation>Nicht mit %1 verbunden</translation>
    </message>
    <message>
        <source>Last attempt: %1</source>
        <translation>Letzter Versuch: %1</translation>
    </message>
</context>
<context>
    <name>caps::CustomerAgent</name>
    <message>
        <source>Disconnected (%1)</source>
        <translation>Getrennt (%1)</translation>
    </message>
    <message>
        <source>Tracking %1 refused: %2</source>
        <translation>Verfolgen von %1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>the hub did not answer (it may not support tracking)</source>
        <translation>der Hub hat nicht geantwortet (vielleicht kann er keine Sendungsverfolgung)</translation>
    </message>
    <message>
        <source>Tracking %1: %2</source>
        <translation>Verfolgen von %1: %2</translation>
    </message>
</context>
<context>
    <name>caps::CustomerConsole</name>
    <message>
        <source>cannot track %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>caps::DriverAgent</name>
    <message>
        <source>The hub refused %1 of order %2, trying again: %3</source>
        <translation>Der Hub hat %1 für Bestellung %2 abgelehnt, neuer Versuch: %3</translation>
    </message>
    <message>
        <source>The hub refused %1 of order %2, giving up: %3</source>
        <translation>Der Hub hat %1 für Bestellung %2 abgelehnt, aufgegeben: %3</translation>
    </message>
    <message>
        <source>Disconnected (%1)</source>
        <translation>Getrennt (%1)</translation>
    </message>
    <message>
        <source>Auto-drive on</source>
        <translation>Autofahrt an</translation>
    </message>
    <message>
        <source>Auto-drive off</source>
        <translation>Autofahrt aus</translation>
    </message>
    <message>
        <source>Order %1 was taken or cancelled while this driver was away</source>
        <translation>Bestellung %1 wurde übernommen oder storniert, während dieser Fahrer weg war</translation>
    </message>
    <message>
        <source>Order %1 was cancelled by its vendor</source>
        <translation>Bestellung %1 wurde vom Händler storniert</translation>
    </message>
    <message>
        <source>Order %1 was taken by another driver</source>
        <translation>Bestellung %1 hat ein anderer Fahrer übernommen</translation>
    </message>
</context>
<context>
    <name>caps::EventCatalogue</name>
    <message>
        <source>Awaiting pickup</source>
        <translation>Wartet auf Abholung</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>Unterwegs</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>Taken by a driver</source>
        <translation>Von einem Fahrer übernommen</translation>
    </message>
</context>
<context>
    <name>caps::EventLogModel</name>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Bestellung</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n Eintrag</numerusform>
            <numerusform>%n Einträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s)</source>
        <translation>
            <numerusform>%n Bestellung</numerusform>
            <numerusform>%n Bestellungen</numerusform>
        </translation>
    </message>
    <message>
        <source>ordered %1</source>
        <translation>bestellt %1</translation>
    </message>
    <message>
        <source>store %1</source>
        <translation>Geschäft %1</translation>
    </message>
</context>
<context>
    <name>caps::EventLogView</name>
    <message>
        <source>Event log</source>
        <translation>Ereignisprotokoll</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
</context>
<context>
    <name>caps::HubWatchdog</name>
    <message>
        <source>giving up: hub at %1 unreachable for %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reconnected to hub at %1; it kept this session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connected to hub at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lost the hub at %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>cannot reach hub at %1 (%2), retrying in %n s</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>giving up: hub at %1 unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the hub at %1 refused the connection (%2)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>caps::NotificationQueue</name>
    <message numerus="yes">
        <source>%n update(s)</source>
        <translation>
            <numerusform>%n Neuigkeit</numerusform>
            <numerusform>%n Neuigkeiten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n earlier update(s) in the log</source>
        <translation>
            <numerusform>%n frühere Neuigkeit im Protokoll</numerusform>
            <numerusform>%n frühere Neuigkeiten im Protokoll</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>caps::OrderModel</name>
    <message>
        <source>Not seen yet</source>
        <translation>Noch nicht gesehen</translation>
    </message>
    <message>
        <source>Awaiting pickup</source>
        <translation>Wartet auf Abholung</translation>
    </message>
    <message>
        <source>In transit</source>
        <translation>Unterwegs</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <source>Queued, not sent yet</source>
        <translation>Wartet, noch nicht gesendet</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Bestellung</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>Geschäft</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Ordered at</source>
        <translation>Bestellt um</translation>
    </message>
    <message>
        <source>Until pickup</source>
        <translation>Bis zur Abholung</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
</context>
<context>
    <name>caps::VendorAgent</name>
    <message>
        <source>The hub refused order %1 for now, trying again: %2</source>
        <translation>Der Hub hat Bestellung %1 vorerst abgelehnt, neuer Versuch: %2</translation>
    </message>
    <message>
        <source>Disconnected (%1)</source>
        <translation>Getrennt (%1)</translation>
    </message>
    <message>
        <source>Thank you for delivering %1</source>
        <translation>Danke für die Zustellung von %1</translation>
    </message>
    <message>
        <source>The store name</source>
        <translation>Der Name des Geschäfts</translation>
    </message>
    <message>
        <source>The order ID</source>
        <translation>Die Bestellnummer</translation>
    </message>
    <message>
        <source>The customer&apos;s name</source>
        <translation>Der Name des Kunden</translation>
    </message>
    <message>
        <source>The address</source>
        <translation>Die Adresse</translation>
    </message>
    <message numerus="yes">
        <source>%1 has %2 characters; the hub takes at most %n.</source>
        <translation>
            <numerusform>%1 hat %2 Zeichen; der Hub nimmt höchstens %n.</numerusform>
            <numerusform>%1 hat %2 Zeichen; der Hub nimmt höchstens %n.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 contains a line break or another control character, which the hub refuses.</source>
        <translation>%1 enthält einen Zeilenumbruch oder ein anderes Steuerzeichen, das der Hub ablehnt.</translation>
    </message>
    <message>
        <source>Order %1 not sent: %2</source>
        <translation>Bestellung %1 nicht gesendet: %2</translation>
    </message>
    <message>
        <source>Order %1 edited, sending it again</source>
        <translation>Bestellung %1 bearbeitet, wird erneut gesendet</translation>
    </message>
    <message>
        <source>Order %1 dropped</source>
        <translation>Bestellung %1 verworfen</translation>
    </message>
    <message>
        <source>Order %1 queued: it goes to the hub once connected</source>
        <translation>Bestellung %1 wartet: sie geht an den Hub, sobald er erreichbar ist</translation>
    </message>
    <message>
        <source>The hub would not cancel order %1: %2</source>
        <translation>Der Hub hat die Stornierung von %1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>The hub refused order %1: %2</source>
        <translation>Der Hub hat Bestellung %1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>refused by the hub</source>
        <translation>vom Hub abgelehnt</translation>
    </message>
    <message>
        <source>Could not read the unsent orders: %1</source>
        <translation>Die ungesendeten Bestellungen konnten nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n unsent order(s) kept from the last run</source>
        <translation>
            <numerusform>%n ungesendete Bestellung vom letzten Mal behalten</numerusform>
            <numerusform>%n ungesendete Bestellungen vom letzten Mal behalten</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not keep the unsent orders on disk: %1</source>
        <translation>Die ungesendeten Bestellungen konnten nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Joined store %1</source>
        <translation>Geschäft %1 beigetreten</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) of store %1 loaded from the hub</source>
        <translation>
            <numerusform>%n Bestellung von %1 vom Hub geladen</numerusform>
            <numerusform>%n Bestellungen von %1 vom Hub geladen</numerusform>
        </translation>
    </message>
    <message>
        <source>Order %1 cancelled</source>
        <translation>Bestellung %1 storniert</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>invalid hub URL %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--connect-timeout needs a number of milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS customer: tracks orders.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track this order id (may be repeated).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ORDER</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track every order of this customer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: exit 0 once every --track order is delivered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--headless needs --track ORDER or --customer NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--until-delivered needs --track ORDER</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS Customer</source>
        <translation>CAPS Kunde</translation>
    </message>
    <message>
        <source>built without windows: use --headless</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS driver: picks up and delivers orders.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: milliseconds from pickup to in-transit (default 1000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: milliseconds from pickup to delivered (default 3000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delays are numbers of milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS Driver</source>
        <translation>CAPS Fahrer</translation>
    </message>
    <message>
        <source>CAPS vendor: prepares orders for pickup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store (room) to join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: milliseconds between orders (default 5000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: place N orders, exit 0 once all are delivered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headless: every order for this customer (default: random names).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the store name must not be empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--interval needs a positive number of milliseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--count needs a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CAPS Vendor</source>
        <translation>CAPS Händler</translation>
    </message>
</context>
</TS>
