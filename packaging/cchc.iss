; Per-user Windows installer of CCHC Desktop (issue 23), made by Inno Setup 6 from the PyInstaller bundle:
;   iscc /DAppVersion=0.1.0 [/DVietnameseIsl=Vietnamese.isl] packaging\cchc.iss
; .github/workflows/windows.yml passes the version read from pyproject.toml (packaging/version.py).
; No administrator rights: the program goes to %LOCALAPPDATA%\Programs\CCHC Desktop. The data (database,
; backups, logs) stays in %LOCALAPPDATA%\cchc-desktop, which the installer never touches: a newer version
; installed over an older one keeps it, and the program upgrades the database at its first start, copying the
; old file into backups\ first.

#ifndef AppVersion
  #error Pass the program's version: iscc /DAppVersion=X.Y.Z packaging\cchc.iss
#endif
#define AppName "CCHC Desktop"
#define AppExe "cchc-desktop.exe"

[Setup]
; The same id for every version: a newer installer upgrades the installed program in place.
AppId={{6F0C8E1B-3D5A-4B8E-9C61-2A7D4E9B5C13}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=cchc-desktop-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
; A running copy is closed before its files are replaced.
CloseApplications=yes

[Languages]
#ifdef VietnameseIsl
Name: "vietnamese"; MessagesFile: "{#VietnameseIsl}"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; The previous version's libraries: none of them may linger beside the new ones (the data is elsewhere).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\cchc-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
