<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>Composer</name>
    <message>
        <location filename="../../desktop/views/composer.py" line="+27"/>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write a message…</source>
        <translation>Écrivez un message…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send message</source>
        <translation>Envoyer le message</translation>
    </message>
</context>
<context>
    <name>DemoLauncher</name>
    <message>
        <location filename="../../desktop/demo.py" line="+21"/>
        <source>Starting the demo network…</source>
        <translation>Démarrage du réseau de démonstration…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resetting the demo network…</source>
        <translation>Réinitialisation du réseau de démonstration…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Starting the company and partner homeservers…</source>
        <translation>Démarrage des serveurs de l’entreprise et du partenaire…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seeding the demo communities…</source>
        <translation>Création des communautés de démonstration…</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Signing in as Camille Laurent…</source>
        <translation>Connexion en tant que Camille Laurent…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The demo network could not start: {error}</source>
        <translation>Le réseau de démonstration n’a pas pu démarrer&#xa0;: {error}</translation>
    </message>
</context>
<context>
    <name>HomeView</name>
    <message>
        <location filename="../../desktop/views/home.py" line="+89"/>
        <source>Rooms</source>
        <translation>Salons</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+15"/>
        <source>Signed in as {user}</source>
        <translation>Compte connecté&#xa0;: {user}</translation>
    </message>
</context>
<context>
    <name>LoginView</name>
    <message>
        <location filename="../../desktop/views/login.py" line="+108"/>
        <source>The server is set by your organisation.</source>
        <translation>Le serveur est fixé par votre organisation.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your organisation&apos;s policy for Cercle names no usable server. Contact your IT department.</source>
        <translation>La stratégie de votre organisation pour Cercle n’indique aucun serveur utilisable. Contactez votre service informatique.</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Welcome to Cercle</source>
        <translation>Bienvenue dans Cercle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your company&apos;s network, shared with its partners.</source>
        <translation>Le réseau de votre entreprise, partagé avec ses partenaires.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Homeserver address</source>
        <translation>Adresse du serveur d’accueil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>@name:example.com or name</source>
        <translation>@nom:example.com ou nom</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User name</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+4"/>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <location line="-3"/>
        <location line="+1"/>
        <location line="+55"/>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <location line="-55"/>
        <location line="+55"/>
        <source>Signing in…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <location line="-53"/>
        <source>Homeserver</source>
        <translation>Serveur d’accueil</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Enter the homeserver address, your user name and password.</source>
        <translation>Saisissez l’adresse du serveur d’accueil, votre identifiant et votre mot de passe.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/views/main_window.py" line="+63"/>
        <source>Opening your data…</source>
        <translation>Ouverture de vos données…</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Unlocking your data…</source>
        <translation>Déverrouillage de vos données…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cercle cannot open its data</source>
        <translation>Cercle ne peut pas ouvrir ses données</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Connection problem, retrying in {s:.0f} s: {detail}</source>
        <translation>Problème de connexion, nouvel essai dans {s:.0f}&#xa0;s&#xa0;: {detail}</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../../desktop/delegates/messages.py" line="+109"/>
        <source>(edited)</source>
        <translation>(modifié)</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Remove your {key} reaction</source>
        <translation>Retirer votre réaction {key}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>React with {key}</source>
        <translation>Réagir avec {key}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show the original message</source>
        <translation>Afficher le message d’origine</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Today</source>
        <translation>Aujourd’hui</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Yesterday</source>
        <translation>Hier</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>In reply to a message that is not loaded</source>
        <translation>En réponse à un message non chargé</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Message deleted</source>
        <translation>Message supprimé</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>1 reply in the thread</source>
        <translation>1 réponse dans le fil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{count} replies in the thread</source>
        <translation>{count} réponses dans le fil</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not sent: {reason}. Right-click to retry or discard.</source>
        <translation>Non envoyé&#xa0;: {reason}. Clic droit pour réessayer ou abandonner.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown error</source>
        <translation>erreur inconnue</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <location filename="../../desktop/models/messages.py" line="+55"/>
        <source>message deleted</source>
        <translation>message supprimé</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{text} (edited)</source>
        <translation>{text} (modifié)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: {text}</source>
        <translation>{name}&#xa0;: {text}</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <location filename="../../desktop/dialogs/passphrase.py" line="+27"/>
        <source>Protect your Cercle data</source>
        <translation>Protégez vos données Cercle</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This computer has no secure keyring to hold the key of Cercle&apos;s local data. Choose a passphrase: you will enter it each time Cercle starts. Without it, the data stored on this computer cannot be read.</source>
        <translation>Cet ordinateur n’a pas de trousseau sécurisé pour conserver la clé des données locales de Cercle. Choisissez une phrase de passe&#xa0;: vous la saisirez à chaque démarrage de Cercle. Sans elle, les données enregistrées sur cet ordinateur sont illisibles.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enter the passphrase that protects Cercle&apos;s data on this computer.</source>
        <translation>Saisissez la phrase de passe qui protège les données de Cercle sur cet ordinateur.</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+12"/>
        <source>Passphrase</source>
        <translation>Phrase de passe</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Passphrase again</source>
        <translation>Confirmation de la phrase de passe</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Again</source>
        <translation>Confirmation</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Enter a passphrase.</source>
        <translation>Saisissez une phrase de passe.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use at least {n} characters.</source>
        <translation>Utilisez au moins {n}&#xa0;caractères.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two passphrases differ.</source>
        <translation>Les deux phrases de passe sont différentes.</translation>
    </message>
</context>
<context>
    <name>PreferencesMenu</name>
    <message>
        <location filename="../../desktop/preferences.py" line="+62"/>
        <source>&amp;Preferences</source>
        <translation>&amp;Préférences</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Appearance</source>
        <translation>&amp;Apparence</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+4"/>
        <source>As the system</source>
        <translation>Comme le système</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Light</source>
        <translation>Clair</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
</context>
<context>
    <name>RoomDelegate</name>
    <message>
        <location filename="../../desktop/delegates/rooms.py" line="+74"/>
        <source>Invitation</source>
        <translation>Invitation</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>External</source>
        <translation>Externe</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>You are invited to join</source>
        <translation>Invitation à rejoindre le salon</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{name}: {text}</source>
        <translation>{name}&#xa0;: {text}</translation>
    </message>
</context>
<context>
    <name>RoomHeader</name>
    <message>
        <location filename="../../desktop/views/room_header.py" line="+33"/>
        <source>Choose a room</source>
        <translation>Choisissez un salon</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>External participants from: {servers}</source>
        <translation>Participants externes venant de&#xa0;: {servers}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>End-to-end encrypted</source>
        <translation>Chiffré de bout en bout</translation>
    </message>
</context>
<context>
    <name>RoomListModel</name>
    <message>
        <location filename="../../desktop/models/rooms.py" line="+100"/>
        <source>includes people from other organisations</source>
        <translation>comprend des personnes d’autres organisations</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name}: {text}</source>
        <translation>{name}&#xa0;: {text}</translation>
    </message>
</context>
<context>
    <name>RoomSwitcher</name>
    <message>
        <location filename="../../desktop/dialogs/switcher.py" line="+54"/>
        <source>Go to a room</source>
        <translation>Aller à un salon</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Room name…</source>
        <translation>Nom du salon…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Room to go to</source>
        <translation>Salon où aller</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Matching rooms</source>
        <translation>Salons correspondants</translation>
    </message>
</context>
<context>
    <name>SessionController</name>
    <message>
        <location filename="../../desktop/session.py" line="+90"/>
        <source>Wrong passphrase. Try again.</source>
        <translation>Phrase de passe incorrecte. Veuillez réessayer.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cercle&apos;s local data is not open yet.</source>
        <translation>Les données locales de Cercle ne sont pas encore ouvertes.</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>Wrong user name or password.</source>
        <translation>Identifiant ou mot de passe incorrect.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot reach {server}. Check the address and your connection.</source>
        <translation>Impossible de joindre {server}. Vérifiez l’adresse et votre connexion.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the homeserver</source>
        <translation>le serveur d’accueil</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server refused: {reason}</source>
        <translation>Le serveur a refusé&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something went wrong; the details are in the log.</source>
        <translation>Une erreur s’est produite. Les détails figurent dans le journal.</translation>
    </message>
</context>
<context>
    <name>StartingView</name>
    <message>
        <location filename="../../desktop/views/main_window.py" line="-93"/>
        <location line="+9"/>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <location filename="../../desktop/views/timeline.py" line="+53"/>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard</source>
        <translation>Abandonner</translation>
    </message>
</context>
<context>
    <name>Undecryptable</name>
    <message>
        <location filename="../../desktop/delegates/common.py" line="+75"/>
        <source>Encrypted message sent before you joined</source>
        <translation>Message chiffré envoyé avant votre arrivée</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Encrypted message: the sender did not share its key with you</source>
        <translation>Message chiffré&#xa0;: l’expéditeur ne vous a pas transmis sa clé</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Encrypted message from a device that is not verified</source>
        <translation>Message chiffré provenant d’un appareil non vérifié</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Encrypted message that cannot be read (malformed)</source>
        <translation>Message chiffré illisible (malformé)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Encrypted message: the key has not reached this device yet</source>
        <translation>Message chiffré&#xa0;: la clé n’est pas encore arrivée sur cet appareil</translation>
    </message>
</context>
</TS>
